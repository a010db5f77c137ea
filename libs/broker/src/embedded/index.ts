/** EmbeddedRocketMQ: a name server and brokers in one call, in process or in a child process. */
export { EmbeddedRocketMQ, brokerConfigs, type EmbeddedBrokerInfo, type EmbeddedRocketMQOptions, type RunningEmbeddedRocketMQ } from './embedded-rocketmq.js';
