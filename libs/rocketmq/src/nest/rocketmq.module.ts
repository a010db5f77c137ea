import { Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './rocketmq.module-definition.js';

/**
 * `RocketMQModule.forRoot({ nameServer, ... })` or `forRootAsync({ useFactory, inject, imports })`;
 * `name` adds another connection (cluster): `forRoot({ name: 'eu', nameServer })` and
 * `@InjectRocketMQProducer('eu')`.
 */
@Module({})
export class RocketMQModule extends ConfigurableModuleClass {}
