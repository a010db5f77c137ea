/**
 * @app/rocketmq: a RocketMQ client speaking the remoting protocol (name server 9876, broker 10911)
 * to Apache RocketMQ 4.9.x / 5.x and the embedded broker, and the NestJS layer on top of it.
 */
export * from './protocol/index.js';
export * from './remoting/index.js';
export * from './logger.js';
export * from './client/client-options.js';
export { ClientInstance } from './client/client-instance.js';
export * from './client/namespace.js';
export * from './client/producer/index.js';
export * from './client/admin/index.js';
export * from './client/consumer/index.js';
export * from './nest/index.js';
