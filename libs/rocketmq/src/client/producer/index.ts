export * from './producer.js';
export * from './producer-options.js';
export * from './transaction-producer.js';
export * from './send-result.js';
export * from './message-queue-selector.js';
export * from './reply.js';
