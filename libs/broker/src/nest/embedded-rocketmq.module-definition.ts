import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { EmbeddedRocketMQOptions } from '../embedded/embedded-rocketmq.js';

/** Options of `EmbeddedRocketMQModule.forRoot` / `forRootAsync`: those of `EmbeddedRocketMQ.start`. */
export type EmbeddedRocketMQModuleOptions = EmbeddedRocketMQOptions;

export const EMBEDDED_ROCKETMQ_MODULE_OPTIONS = 'EMBEDDED_ROCKETMQ_MODULE_OPTIONS';

export const {
  ConfigurableModuleClass: EmbeddedRocketMQConfigurableModule,
  OPTIONS_TYPE: EMBEDDED_ROCKETMQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: EMBEDDED_ROCKETMQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EmbeddedRocketMQModuleOptions>({
  moduleName: 'EmbeddedRocketMQ',
  optionsInjectionToken: EMBEDDED_ROCKETMQ_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
