/** Testing support: the Nest module wired to an embedded broker. */
export { RocketMQTestingModule, type RocketMQTestingModuleOptions } from './rocketmq-testing.module.js';
