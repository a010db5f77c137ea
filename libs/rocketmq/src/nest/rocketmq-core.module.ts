import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RocketMQConnections } from './connection/connection-registry.js';
import { RocketMQHealthIndicator } from './health/rocketmq-health.indicator.js';
import { RocketMQListenerRegistry } from './listeners/listener-registry.js';
import { RocketMQExplorer } from './listeners/rocketmq-explorer.js';

/** Shared by every connection: one explorer, one listener registry, one health indicator per application. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [RocketMQConnections, RocketMQListenerRegistry, RocketMQExplorer, RocketMQHealthIndicator],
  exports: [RocketMQConnections, RocketMQListenerRegistry, RocketMQHealthIndicator],
})
export class RocketMQCoreModule {}
