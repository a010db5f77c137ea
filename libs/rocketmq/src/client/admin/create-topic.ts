/** Options of AdminClient.createTopic, their UPDATE_AND_CREATE_TOPIC header, and the "route is ready" check. */
import { RocketMQClientError } from '../../protocol/errors.js';
import type { CreateTopicRequestHeader } from '../../protocol/header/admin-headers.js';
import type { TopicRouteData } from '../../protocol/body/topic-route-data.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { validateTopic } from '../../protocol/topic-validator.js';

/** PermName bits. */
export const Perm = { PRIORITY: 8, READ: 4, WRITE: 2, INHERIT: 1, READ_WRITE: 6 } as const;

/** The template topic brokers copy settings from (Java's `TBW102`). */
export const DEFAULT_TEMPLATE_TOPIC = 'TBW102';

export interface CreateTopicOptions {
  topic: string;
  /** Default 8, as `mqadmin updateTopic`. */
  readQueueNums?: number;
  /** Default 8. */
  writeQueueNums?: number;
  /** PermName bits, default 6 (read + write). */
  perm?: number;
  /**
   * Mark the topic ordered in the broker's topic config. Default false. (`mqadmin updateTopic -o true`
   * also writes the name server's ORDER_TOPIC_CONFIG KV entry; this client does not.)
   */
  order?: boolean;
  /** Create on every master of this cluster. */
  clusterName?: string;
  /** …or on these broker addresses (masters). One of clusterName / brokerAddrs is required. */
  brokerAddrs?: readonly string[];
  /**
   * 5.x topic attributes, e.g. `{ 'message.type': 'FIFO' }` (sent as `+message.type=FIFO`; a key
   * starting with `-` deletes the attribute). 4.9.x brokers ignore them.
   */
  attributes?: Readonly<Record<string, string>>;
  /** Wait until the name server's route shows the topic on every target broker (default true). */
  waitForRoute?: boolean;
  /** How long to wait for the route, ms (default 10 000). */
  routeTimeoutMs?: number;
}

function checkQueueNums(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 1024) {
    throw new RocketMQClientError(`${name} must be an integer from 0 to 1024, got ${value}`, ResponseCode.INVALID_PARAMETER);
  }
}

/** `+k=v,-k2` as Java's `AttributeParser.parseToString` writes it; keys without a sign get `+`. */
export function formatTopicAttributes(attributes: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!attributes) return undefined;
  const parts: string[] = [];
  for (const [rawKey, value] of Object.entries(attributes)) {
    const key = rawKey.startsWith('+') || rawKey.startsWith('-') ? rawKey : `+${rawKey}`;
    if (key.includes(',') || key.includes('=') || value.includes(',') || value.includes('=')) {
      throw new RocketMQClientError(`Topic attribute ${rawKey}=${value} must not contain "," or "="`, ResponseCode.INVALID_PARAMETER);
    }
    parts.push(key.startsWith('-') || value === '' ? key : `${key}=${value}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** The UPDATE_AND_CREATE_TOPIC header for these options (validated). */
export function createTopicHeader(options: CreateTopicOptions): CreateTopicRequestHeader {
  validateTopic(options.topic);
  const readQueueNums = options.readQueueNums ?? 8;
  const writeQueueNums = options.writeQueueNums ?? 8;
  checkQueueNums('readQueueNums', readQueueNums);
  checkQueueNums('writeQueueNums', writeQueueNums);
  const perm = options.perm ?? Perm.READ_WRITE;
  if (!Number.isInteger(perm) || perm < 0 || perm > 15) {
    throw new RocketMQClientError(`perm is a combination of PermName bits (8 priority, 4 read, 2 write, 1 inherit), got ${perm}`, ResponseCode.INVALID_PARAMETER);
  }
  const header: CreateTopicRequestHeader = {
    topic: options.topic,
    defaultTopic: DEFAULT_TEMPLATE_TOPIC,
    readQueueNums,
    writeQueueNums,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: options.order ?? false,
  };
  const attributes = formatTopicAttributes(options.attributes);
  if (attributes !== undefined) header.attributes = attributes;
  return header;
}

/**
 * True when the route lists the topic on each of `brokerNames` with the expected queue counts. (Perm
 * is not compared: a broker without write permission registers its topics read-only.)
 */
export function routeShowsTopic(route: TopicRouteData | undefined, brokerNames: readonly string[], header: CreateTopicRequestHeader): boolean {
  if (!route) return false;
  return brokerNames.every((name) =>
    route.queueDatas.some(
      (q) => q.brokerName === name && q.readQueueNums === header.readQueueNums && q.writeQueueNums === header.writeQueueNums,
    ),
  );
}
