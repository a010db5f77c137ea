/** @app/broker: an embeddable RocketMQ-compatible name server and broker with a durable store. */
export * from './namesrv/index.js';
export * from './broker/index.js';
export * from './embedded/index.js';
export * from './nest/index.js';
export * from './testing/index.js';
