/**
 * Options of the RocketMQ microservice transport: the server (`ServerRocketMQ`), the client
 * (`ClientRocketMQ`) and the per-handler extras of `@EventPattern` / `@MessagePattern`.
 */
import type { Deserializer, Serializer } from '@nestjs/microservices';
import type { ExpressionType } from '../../protocol/body/heartbeat-data.js';
import type { ClientOptions } from '../../client/client-options.js';
import type { PushConsumerOptions } from '../../client/consumer/consumer-options.js';
import type { ProducerOptions } from '../../client/producer/producer-options.js';

/**
 * How the topic part of a pattern becomes a RocketMQ topic (topics allow only `[%|a-zA-Z0-9_-]`).
 * - `'underscore'` (default): `.` and `/` become `_` (`orders.created` → `orders_created`); any other
 *   illegal character is an error.
 * - `'strict'`: the topic part is used as it is and must already be a legal topic.
 * - a function: your own mapping; its result is validated.
 */
export type TopicNaming = 'underscore' | 'strict' | ((topicPart: string) => string);

/** Consumer settings a group may override (everything except the connection and the group itself). */
export type RocketMQConsumerSettings = Omit<PushConsumerOptions, keyof ClientOptions | 'group'>;

/** Producer settings (everything except the connection and the group). */
export type RocketMQProducerSettings = Omit<ProducerOptions, keyof ClientOptions | 'group'>;

/**
 * Per-handler settings, the `extras` argument of the pattern decorators:
 * `@EventPattern('orders.created', { group: 'billing', consumeMode: 'ORDERLY' })`.
 * Settings of the consumer (`consumeMode`, `maxReconsumeTimes`, `consumer`) belong to the group:
 * every handler of one group must agree on them.
 */
export interface RocketMQPatternExtras {
  /** Consumer group of this handler (default: the server's `group`, else `nest_<topic>`). */
  group?: string;
  /** Topic to consume, instead of the one derived from the pattern (then any pattern is allowed). */
  topic?: string;
  /**
   * Tag expression to consume, instead of the pattern's `:tag` part: `'paid'`, `'paid || refunded'`
   * or `'*'`. For messages sent with tags by other producers.
   */
  tag?: string;
  /** A SQL92 filter on user properties (the broker must enable property filtering); replaces the tag filter. */
  selector?: { type: ExpressionType; expression: string };
  /** CONCURRENTLY (default) or ORDERLY (per queue, one message at a time, failures retried in place). */
  consumeMode?: PushConsumerOptions['consumeMode'];
  /** Deliveries before a failing message goes to `%DLQ%<group>`. */
  maxReconsumeTimes?: number;
  /** Any other consumer setting of this handler's group. */
  consumer?: RocketMQConsumerSettings;
}

export interface RocketMQServerOptions extends ClientOptions {
  /**
   * Consumer group of every handler without its own `group` extra. Unset: each topic gets the
   * group `nest_<topic>`, so servers handling the same topic share its messages (competing
   * consumers). Give each app its own group to have every app receive every event.
   */
  group?: string;
  /** Settings of every consumer (a group's extras override them). */
  consumer?: RocketMQConsumerSettings;
  /** Group of the producer that sends replies to `@MessagePattern` requests. Default `nest_reply_producer`. */
  replyProducerGroup?: string;
  /** Settings of the reply producer. */
  producer?: RocketMQProducerSettings;
  /** Pattern → topic mapping; must match the clients'. Default `'underscore'`. */
  topicNaming?: TopicNaming;
  /** How long `close()` waits for running handlers, ms. Default 30000. */
  drainTimeoutMs?: number;
  /** Pass message bodies to handlers as Buffers, whatever their content type. Default false. */
  keepBinary?: boolean;
  serializer?: Serializer;
  deserializer?: Deserializer;
}

export interface RocketMQClientOptions extends ClientOptions {
  /** Producer group. Default `nest_client_producer`. */
  producerGroup?: string;
  producer?: RocketMQProducerSettings;
  /** How long `send()` waits for the reply, ms. Default 10000. */
  replyTimeoutMs?: number;
  /** Pattern → topic mapping; must match the server's. Default `'underscore'`. */
  topicNaming?: TopicNaming;
  /** Pass reply bodies as Buffers, whatever their content type. Default false. */
  keepBinary?: boolean;
  serializer?: Serializer;
  deserializer?: Deserializer;
}

/** User properties the transport writes; everything else a message carries is packet metadata. */
export const RocketMQProperties = {
  /** MIME type of the body: `application/json`, `text/plain; charset=utf-8` or `application/octet-stream`. */
  CONTENT_TYPE: 'content-type',
  /** The Nest pattern the message was sent with. */
  PATTERN: 'nest-pattern',
  /** On a reply: the body is the handler's error. */
  ERROR: 'nest-error',
  /** On a reply: the handler produced no value (the body is a placeholder). */
  EMPTY: 'nest-empty',
} as const;

export const TRANSPORT_PROPERTIES: ReadonlySet<string> = new Set(Object.values(RocketMQProperties));

export const DEFAULT_REPLY_PRODUCER_GROUP = 'nest_reply_producer';
export const DEFAULT_CLIENT_PRODUCER_GROUP = 'nest_client_producer';
export const DEFAULT_GROUP_PREFIX = 'nest_';
export const DEFAULT_REPLY_TIMEOUT_MS = 10_000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Status of the server and the client. */
export type RocketMQStatus = 'connected' | 'disconnected';

const CLIENT_OPTION_KEYS = [
  'nameServer',
  'namespace',
  'instanceName',
  'clientIp',
  'credentials',
  'tls',
  'requestTimeoutMs',
  'pollNameServerIntervalMs',
  'heartbeatBrokerIntervalMs',
  'persistConsumerOffsetIntervalMs',
  'logger',
] as const satisfies readonly (keyof ClientOptions)[];

/** The connection options out of a transport's options. */
export function pickClientOptions(options: ClientOptions): ClientOptions {
  const picked: Record<string, unknown> = {};
  for (const key of CLIENT_OPTION_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked as unknown as ClientOptions;
}
