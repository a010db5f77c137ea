import type { ClientOptions } from '../../client/client-options.js';
import type { PushConsumerOptions } from '../../client/consumer/consumer-options.js';
import type { ProducerOptions } from '../../client/producer/producer-options.js';
import type { RocketMQLogger } from '../../logger.js';
import type { RocketMQSerializer } from '../serialization/serializer.js';

/** Producer settings of a connection (the group is stable across instances, so check-backs reach any of them). */
export type RocketMQConnectionProducerOptions = Partial<Omit<ProducerOptions, keyof ClientOptions>>;

/** Consumer settings every listener of the connection starts from (decorator options win). */
export type RocketMQConsumerDefaults = Partial<Omit<PushConsumerOptions, keyof ClientOptions | 'group'>>;

/** Options of one RocketMQ connection (a cluster: name servers, credentials, producer, listeners). */
export interface RocketMQModuleOptions extends Omit<ClientOptions, 'logger'> {
  /** Default: a Nest `Logger` with context "RocketMQ". */
  logger?: RocketMQLogger;
  /** Producer group and send settings. Default group: `NEST_ROCKETMQ_PRODUCER` (+ `_<name>` for named connections). */
  producer?: RocketMQConnectionProducerOptions;
  /** Default: JSON for values, pass-through for strings and Buffers. */
  serializer?: RocketMQSerializer;
  consumerDefaults?: RocketMQConsumerDefaults;
  /**
   * Turn listeners on or off without code changes, by listener id (`Class.method` or the
   * decorator's `id`) or by `group.topic` (rocketmq-spring's `listeners.<group>.<topic>`).
   */
  listeners?: Readonly<Record<string, boolean>>;
  /**
   * Resolves `@RocketMQListener({ enabled: 'some.key' })`; e.g. `(key) => config.get(key)`.
   * Default: `process.env[key]`. "false", "0", "off", "no" and `false` disable.
   */
  resolveConfig?: (key: string) => unknown;
  /** Start listeners at application bootstrap (default true); false: start them with `RocketMQListenerRegistry.startAll()`. */
  autoStartListeners?: boolean;
  /** Awaited at bootstrap before the listeners start (warm caches, wait for a dependency). */
  beforeListenersStart?: () => unknown;
  /** How long shutdown waits for running handlers before committing and leaving, ms. Default 30000. */
  shutdownDrainTimeoutMs?: number;
  /** Ask the name server for the cluster at start-up and fail when none answers. Default true. */
  verifyOnStart?: boolean;
  /** Health: a listener whose group lags more than this many messages makes the indicator "down". */
  maxLag?: number;
}

/** Extra options of `forRoot` / `forRootAsync` (not part of the factory's result). */
export interface RocketMQModuleExtras {
  /** Connection name, for several clusters in one app. Default "default". */
  name?: string;
  /** Make the producer injectable everywhere without importing the module. Default true. */
  isGlobal?: boolean;
}
