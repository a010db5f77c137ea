/** Nest module that runs the embedded broker inside an application. */
export { EmbeddedRocketMQModule } from './embedded-rocketmq.module.js';
export { EMBEDDED_ROCKETMQ, InjectEmbeddedRocketMQ } from './embedded-rocketmq.tokens.js';
export type { EmbeddedRocketMQModuleOptions } from './embedded-rocketmq.module-definition.js';
