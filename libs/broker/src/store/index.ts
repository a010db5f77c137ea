/** The broker's durable message store: commit log, consume queues, key index, checkpoint and recovery, retention. */
export * from './message-store.js';
export * from './message-store-types.js';
export * from './store-options.js';
export * from './store-errors.js';
export * from './json-config-file.js';
export { CQ_UNIT_SIZE, type ConsumeQueueEntry } from './consume-queue.js';
export type { RetentionResult } from './retention.js';
export type { IndexQueryResult } from './index-service.js';
