/**
 * A health indicator in @nestjs/terminus's shape, without importing terminus: `check()` returns a
 * `HealthIndicatorResult` (`{ [key]: { status: 'up' | 'down', ...details } }`), `isHealthy()` throws
 * an error terminus recognises (`isHealthCheckError`, `causes`) when down. Reports each
 * connection (a name-server round trip), each consumer group's state and lag.
 */
import { Injectable } from '@nestjs/common';
import { wrapNamespace } from '../../client/namespace.js';
import { RocketMQConnections } from '../connection/connection-registry.js';
import { RocketMQListenerRegistry } from '../listeners/listener-registry.js';

export type HealthStatus = 'up' | 'down';
export type RocketMQHealthIndicatorResult = Record<string, { status: HealthStatus; [detail: string]: unknown }>;

export interface RocketMQHealthOptions {
  /** A consumer group lagging more than this many messages is down. Default: each connection's `maxLag` (none). */
  maxLag?: number;
  /** Skip the admin requests for lag (state and connections only). Default true. */
  includeLag?: boolean;
}

export interface ConnectionHealth {
  status: HealthStatus;
  nameServer: string;
  brokers: number;
  latencyMs: number;
  error?: string;
}

export interface ConsumerGroupHealth {
  status: HealthStatus;
  connection: string;
  group: string;
  state: string;
  listeners: string[];
  lag?: number;
  maxLag?: number;
  error?: string;
}

/** Thrown by `isHealthy` when down; terminus reads `causes` as the details. */
export class RocketMQHealthCheckError extends Error {
  override name = 'RocketMQHealthCheckError';
  readonly isHealthCheckError = true;
  constructor(
    message: string,
    readonly causes: RocketMQHealthIndicatorResult,
  ) {
    super(message);
  }
}

@Injectable()
export class RocketMQHealthIndicator {
  constructor(
    private readonly connections: RocketMQConnections,
    private readonly registry: RocketMQListenerRegistry,
  ) {}

  /** The health of every connection and consumer group; never throws. */
  async check(key = 'rocketmq', options: RocketMQHealthOptions = {}): Promise<RocketMQHealthIndicatorResult> {
    const connections: Record<string, ConnectionHealth> = {};
    await Promise.all(
      this.connections.all().map(async (c) => {
        const ping = await c.ping();
        connections[c.name] = {
          status: ping.reachable ? 'up' : 'down',
          nameServer: ping.nameServer,
          brokers: ping.brokers,
          latencyMs: ping.latencyMs,
          ...(ping.error ? { error: ping.error } : {}),
        };
      }),
    );
    const consumers = await Promise.all(this.registry.allContainers().map((container) => this.groupHealth(container, options, connections)));
    const down = Object.values(connections).some((c) => c.status === 'down') || consumers.some((c) => c.status === 'down');
    return { [key]: { status: down ? 'down' : 'up', connections, consumers } };
  }

  /** Terminus style: resolves with the result when up, throws RocketMQHealthCheckError when down. */
  async isHealthy(key = 'rocketmq', options: RocketMQHealthOptions = {}): Promise<RocketMQHealthIndicatorResult> {
    const result = await this.check(key, options);
    if (result[key]!.status === 'down') throw new RocketMQHealthCheckError('RocketMQ is unhealthy', result);
    return result;
  }

  private async groupHealth(
    container: ReturnType<RocketMQListenerRegistry['allContainers']>[number],
    options: RocketMQHealthOptions,
    connections: Record<string, ConnectionHealth>,
  ): Promise<ConsumerGroupHealth> {
    const connection = container.connection;
    const state = container.state;
    const health: ConsumerGroupHealth = {
      status: state === 'failed' || state === 'stopped' || state === 'stopping' ? 'down' : 'up',
      connection: connection.name,
      group: container.plan.group,
      state,
      listeners: container.plan.listeners.map((l) => l.id),
    };
    if (container.error) health.error = container.error.message;
    const maxLag = options.maxLag ?? connection.options.maxLag;
    const clustering = (container.plan.settings.messageModel ?? connection.options.consumerDefaults?.messageModel ?? 'CLUSTERING') === 'CLUSTERING';
    if (options.includeLag === false || !clustering || connections[connection.name]?.status !== 'up') return health;
    try {
      const admin = await connection.adminClient();
      let lag = 0;
      const namespace = container.plan.namespace ?? connection.options.namespace;
      for (const route of container.plan.topics.values()) {
        lag += (await admin.consumerProgress(container.wireGroup, wrapNamespace(namespace || undefined, route.topic))).totalLag;
      }
      health.lag = lag;
      if (maxLag !== undefined) {
        health.maxLag = maxLag;
        if (lag > maxLag) {
          health.status = 'down';
          health.error = `lag ${lag} exceeds ${maxLag}`;
        }
      }
    } catch (error) {
      health.error = `lag unavailable: ${(error as Error).message}`;
    }
    return health;
  }
}
