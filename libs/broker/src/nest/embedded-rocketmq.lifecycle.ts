import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RocketMQConnections } from '@app/rocketmq';
import type { RunningEmbeddedRocketMQ } from '../embedded/embedded-rocketmq.js';
import { EMBEDDED_ROCKETMQ } from './embedded-rocketmq.tokens.js';

/**
 * Stops the embedded broker when the application shuts down, after the application's RocketMQ
 * connections: Nest orders shutdown hooks by module distance, not by dependency, so a connection
 * could otherwise try to unregister from a broker that is already gone.
 */
@Injectable()
export class EmbeddedRocketMQLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedRocketMQ');

  constructor(
    @Inject(EMBEDDED_ROCKETMQ) private readonly mq: RunningEmbeddedRocketMQ,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const connections = this.connections();
    await Promise.all(connections.map((connection) => connection.stop()));
    await this.mq.stop();
    this.logger.log(`embedded RocketMQ at ${this.mq.nameServer} stopped`);
  }

  private connections() {
    try {
      return this.moduleRef.get(RocketMQConnections, { strict: false }).all();
    } catch {
      return []; // RocketMQModule is not imported: nothing to close first
    }
  }
}
