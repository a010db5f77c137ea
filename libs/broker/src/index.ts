/** @app/broker: an embeddable RocketMQ-compatible name server and broker with a durable store. */
export * from './namesrv/index.js';
export * from './broker/index.js';
export * from './embedded/index.js';
