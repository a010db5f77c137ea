/** Options of the admin features, and the optional registry capabilities they use when engineer A's registries offer them. */
import type { RemotingConnection } from '@app/rocketmq/remoting';
import type { ClientRegistry, ConsumerOffsetRegistry } from '../broker-context.js';

export interface AdminFeatureOptions {
  /** Delay level → offset reached in SCHEDULE_TOPIC_XXXX (the schedule service); GET_ALL_DELAY_OFFSET is empty without it. */
  delayOffsets?: () => ReadonlyMap<number, number>;
  /** What GET_BROKER_RUNTIME_INFO reports as `brokerVersion` / `brokerVersionDesc`; default V5_3_3 (479). */
  brokerVersion?: { ordinal: number; desc: string };
  /** How often the statistics are sampled, default 1000 ms (TPS windows are 10 s, 60 s and 600 s). */
  statsSampleIntervalMs?: number;
  /** Timeout of requests relayed to consumers (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY), default 10 000 ms. */
  consumerCallTimeoutMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export const DEFAULT_BROKER_VERSION = { ordinal: 479, desc: 'V5_3_3' } as const;

/** MQVersion ordinals the broker checks before calling a client. */
export const MQVersionOrdinal = {
  V3_0_7_SNAPSHOT: 28,
  V3_1_8_SNAPSHOT: 62,
} as const;

/** A live producer of a group, as GET_PRODUCER_CONNECTION_LIST reports it. */
export interface ProducerClientInfo {
  clientId: string;
  connection: RemotingConnection;
  language: string;
  version: number;
}

/** Optional: a client registry that knows producers' ids and versions, not only their connections. */
export interface ProducerClientsCapable {
  producerClients(group: string): ProducerClientInfo[];
}

export function hasProducerClients(clients: ClientRegistry): clients is ClientRegistry & ProducerClientsCapable {
  return typeof (clients as Partial<ProducerClientsCapable>).producerClients === 'function';
}

/** Optional: an offset registry that can drop every group's offsets of one topic (DELETE_TOPIC_IN_BROKER). */
export interface TopicOffsetRemovalCapable {
  removeTopic(topic: string): void;
}

export function hasTopicOffsetRemoval(offsets: ConsumerOffsetRegistry): offsets is ConsumerOffsetRegistry & TopicOffsetRemovalCapable {
  return typeof (offsets as Partial<TopicOffsetRemovalCapable>).removeTopic === 'function';
}
