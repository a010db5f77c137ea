/**
 * One cluster connection: its options, its transactional producer (which also sends plain
 * messages and routes check-backs to flows), an admin client for checks, and the producer facade.
 * Producers start at module init after a name-server round trip; they stop at application shutdown,
 * after the listeners drained (those stop at module destroy).
 */
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AdminClient } from '../../client/admin/admin-client.js';
import type { ClientOptions } from '../../client/client-options.js';
import { TransactionProducer } from '../../client/producer/transaction-producer.js';
import type { RocketMQLogger } from '../../logger.js';
import type { RocketMQModuleOptions } from '../interfaces/module-options.interface.js';
import { RocketMQProducer } from '../producer/rocketmq-producer.js';
import { DEFAULT_CONNECTION } from '../rocketmq.constants.js';
import { RocketMQError } from '../../protocol/errors.js';
import { RocketMQConfigurationError } from '../rocketmq.errors.js';
import { JsonSerializer, type RocketMQSerializer } from '../serialization/serializer.js';
import { TransactionFlowRouter } from '../transactions/transaction-flow-router.js';
import type { RocketMQConnections } from './connection-registry.js';

export interface ConnectionPing {
  reachable: boolean;
  nameServer: string;
  brokers: number;
  latencyMs: number;
  error?: string;
}

export class RocketMQConnection implements OnModuleInit, OnApplicationShutdown {
  readonly logger: RocketMQLogger;
  readonly serializer: RocketMQSerializer;
  readonly flows: TransactionFlowRouter;
  readonly producer: RocketMQProducer;
  private readonly client: TransactionProducer;
  private admin: Promise<AdminClient> | undefined;
  private state: 'created' | 'running' | 'stopped' = 'created';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly options: RocketMQModuleOptions,
    connections?: RocketMQConnections,
  ) {
    this.logger = options.logger ?? new Logger(name === DEFAULT_CONNECTION ? 'RocketMQ' : `RocketMQ:${name}`);
    this.serializer = options.serializer ?? new JsonSerializer();
    this.flows = new TransactionFlowRouter(name, this.serializer, this.logger);
    const group = options.producer?.group ?? (name === DEFAULT_CONNECTION ? 'NEST_ROCKETMQ_PRODUCER' : `NEST_ROCKETMQ_PRODUCER_${name}`);
    try {
      this.client = new TransactionProducer({ ...this.clientOptions(), ...options.producer, group, transactionListener: this.flows });
    } catch (error) {
      throw new RocketMQConfigurationError([`connection "${name}": ${(error as Error).message}`]);
    }
    this.producer = new RocketMQProducer(this);
    connections?.add(this);
  }

  /** The client options every producer, consumer and admin client of this connection shares. */
  clientOptions(): ClientOptions {
    const { nameServer, namespace, instanceName, clientIp, credentials, tls, requestTimeoutMs, pollNameServerIntervalMs, heartbeatBrokerIntervalMs, persistConsumerOffsetIntervalMs } = this.options;
    return { nameServer, namespace, instanceName, clientIp, credentials, tls, requestTimeoutMs, pollNameServerIntervalMs, heartbeatBrokerIntervalMs, persistConsumerOffsetIntervalMs, logger: this.logger };
  }

  get nameServerAddresses(): string {
    const ns = this.options.nameServer;
    return typeof ns === 'string' ? ns : ns.join(';');
  }

  /** The client producer (escape hatch: sendSelect, sendToQueue, publishQueues, ...). */
  get rawProducer(): TransactionProducer {
    return this.client;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  async onModuleInit(): Promise<void> {
    await this.start();
  }

  /** Checks the name server (unless `verifyOnStart: false`) and starts the producer. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (this.state !== 'created') return;
    if (this.options.verifyOnStart !== false) {
      const ping = await this.ping();
      if (!ping.reachable) {
        this.state = 'stopped';
        await this.client.shutdown().catch(() => undefined);
        const admin = await this.admin?.catch(() => undefined);
        await admin?.shutdown().catch(() => undefined);
        throw new RocketMQConfigurationError([
          `connection "${this.name}": no name server reachable at ${ping.nameServer} (${ping.error}); check the nameServer option ("host:9876", several separated by ";") and that the name server runs`,
        ]);
      }
      if (ping.brokers === 0) this.logger.warn(`connection "${this.name}": the name server at ${ping.nameServer} knows no broker yet`, 'RocketMQ');
    }
    await this.client.start();
    this.state = 'running';
  }

  /** A cheap round trip to the name server (GET_BROKER_CLUSTER_INFO). */
  async ping(): Promise<ConnectionPing> {
    const started = Date.now();
    try {
      const admin = await this.adminClient();
      const overview = await admin.clusterInfo();
      return { reachable: true, nameServer: this.nameServerAddresses, brokers: Object.keys(overview.brokers).length, latencyMs: Date.now() - started };
    } catch (error) {
      return { reachable: false, nameServer: this.nameServerAddresses, brokers: 0, latencyMs: Date.now() - started, error: (error as Error).message };
    }
  }

  /** An admin client on this cluster (wire names: the namespace is not applied). */
  adminClient(): Promise<AdminClient> {
    if (this.state === 'stopped' && !this.admin) return Promise.reject(new RocketMQError(`connection "${this.name}" is shut down`));
    this.admin ??= (async () => {
      const { namespace: _ns, ...options } = this.clientOptions();
      const admin = new AdminClient(options);
      await admin.start();
      return admin;
    })();
    return this.admin;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.state = 'stopped';
    await this.client.shutdown().catch((error: Error) => this.logger.warn(`stopping the producer failed: ${error.message}`, 'RocketMQ'));
    const admin = await this.admin?.catch(() => undefined);
    await admin?.shutdown().catch(() => undefined);
  }
}
