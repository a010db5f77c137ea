import { Inject } from '@nestjs/common';

/** The running broker (`RunningEmbeddedRocketMQ`): its `nameServer` address, brokers and `stop()`. */
export const EMBEDDED_ROCKETMQ = Symbol('EMBEDDED_ROCKETMQ');

/** `@InjectEmbeddedRocketMQ() mq: RunningEmbeddedRocketMQ` */
export const InjectEmbeddedRocketMQ = (): ParameterDecorator => Inject(EMBEDDED_ROCKETMQ);
