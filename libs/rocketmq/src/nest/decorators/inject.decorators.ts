import { Inject } from '@nestjs/common';
import { getRocketMQConnectionToken, getRocketMQProducerToken } from '../rocketmq.constants.js';

/** Injects the `RocketMQProducer` of a connection (the default one without a name). */
export const InjectRocketMQProducer = (connection?: string): ParameterDecorator & PropertyDecorator =>
  Inject(getRocketMQProducerToken(connection));

/** Injects the `RocketMQConnection` of a connection (raw clients, admin). */
export const InjectRocketMQConnection = (connection?: string): ParameterDecorator & PropertyDecorator =>
  Inject(getRocketMQConnectionToken(connection));
