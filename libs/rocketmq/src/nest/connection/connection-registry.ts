import { Injectable } from '@nestjs/common';
import type { RocketMQConnection } from './rocketmq-connection.js';

/** The connections of this application, by name (each `forRoot` adds one). */
@Injectable()
export class RocketMQConnections {
  private readonly byName = new Map<string, RocketMQConnection>();

  add(connection: RocketMQConnection): void {
    if (this.byName.has(connection.name)) {
      throw new Error(`Two RocketMQModule.forRoot() calls use the connection name "${connection.name}"; give each connection its own name`);
    }
    this.byName.set(connection.name, connection);
  }

  get(name: string): RocketMQConnection | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): RocketMQConnection[] {
    return [...this.byName.values()];
  }
}
