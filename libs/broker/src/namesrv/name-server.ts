/**
 * An embeddable RocketMQ name server (`NamesrvController.java`): the remoting server, the route registry, the
 * KV config and the periodic scan that drops brokers not heard from in time. Java brokers, the Java admin tool
 * and our client talk to it as to Apache's.
 *
 *   const nameServer = new NameServer({ port: 0 });
 *   const { addr } = await nameServer.start();   // "127.0.0.1:41234"
 *   ...
 *   await nameServer.stop();
 */
import { RemotingServer, type RemotingConnection, type RemotingServerOptions } from '@app/rocketmq/remoting';
import type { ClusterInfo, TopicRouteData } from '@app/rocketmq/protocol';
import { KVConfigManager } from './kv-config-manager.js';
import { defaultNamesrvConfig, type NamesrvConfig } from './namesrv-config.js';
import { silentNamesrvLogger, type NamesrvLogger } from './namesrv-logger.js';
import { namesrvHandlers } from './namesrv-processor.js';
import { RouteInfoManager, type BrokerLiveInfo } from './route-info-manager.js';

export interface NameServerOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  logger?: NamesrvLogger;
  /** Drop a broker not heard from for this long, unless it registered with its own heartbeat timeout. Default 120 000. */
  brokerExpiryMs?: number;
  /** How often to look for expired brokers. Default 5 000. */
  scanIntervalMs?: number;
  /** JSON file holding the KV config; without it the KV config lives in memory only. */
  kvConfigPath?: string;
  /** Put the ORDER_TOPIC_CONFIG value of a topic into its route as `orderTopicConf`. Default false. */
  orderMessageEnable?: boolean;
  /** TLS on the same port, as Apache does it (see RemotingServerOptions). */
  tls?: RemotingServerOptions['tls'];
  /** Other settings of Java's NamesrvConfig (topic-list switches, deleteTopicWithBrokerRegistration, ...). */
  config?: Partial<Pick<NamesrvConfig, 'returnOrderTopicConfigToBroker' | 'enableAllTopicList' | 'enableTopicList' | 'deleteTopicWithBrokerRegistration' | 'supportActingMaster'>>;
}

export class NameServerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NameServerStateError';
  }
}

export class NameServer {
  private readonly config: NamesrvConfig;
  private readonly logger: NamesrvLogger;
  private readonly routeInfo: RouteInfoManager;
  private readonly kv: KVConfigManager;
  private server: RemotingServer | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private address: string | undefined;
  private readonly watched = new WeakSet<RemotingConnection>();

  constructor(private readonly options: NameServerOptions = {}) {
    this.logger = options.logger ?? silentNamesrvLogger;
    this.config = {
      ...defaultNamesrvConfig(),
      ...Object.fromEntries(Object.entries(options.config ?? {}).filter(([, v]) => v !== undefined)),
      orderMessageEnable: options.orderMessageEnable ?? false,
      brokerExpiryMs: options.brokerExpiryMs ?? 120_000,
      scanNotActiveBrokerInterval: options.scanIntervalMs ?? 5_000,
      kvConfigPath: options.kvConfigPath,
      listenPort: options.port ?? 0,
      bindAddress: options.host ?? '127.0.0.1',
    };
    this.routeInfo = new RouteInfoManager({ config: this.config, logger: this.logger });
    this.kv = new KVConfigManager(options.kvConfigPath, this.logger);
  }

  async start(): Promise<{ addr: string }> {
    if (this.server) throw new NameServerStateError('the name server is already started');
    await this.kv.load();
    const server = new RemotingServer({
      host: this.config.bindAddress,
      port: this.config.listenPort,
      logger: this.logger,
      tls: this.options.tls,
    });
    const handlers = namesrvHandlers({
      routes: this.routeInfo,
      kvConfig: this.kv,
      config: this.config,
      logger: this.logger,
      watchBrokerConnection: (connection) => this.watchBrokerConnection(connection),
      onConfigUpdated: (keys) => {
        if (keys.includes('scanNotActiveBrokerInterval')) this.scheduleScan();
      },
    });
    for (const [code, handler] of handlers) server.registerProcessor(code, handler);
    this.server = server;
    try {
      const info = await server.listen();
      const host = info.address === '0.0.0.0' || info.address === '::' ? '127.0.0.1' : info.address;
      this.address = `${host.includes(':') ? `[${host}]` : host}:${info.port}`;
    } catch (error) {
      this.server = undefined;
      throw error;
    }
    this.config.listenPort = Number(this.address.slice(this.address.lastIndexOf(':') + 1));
    this.scheduleScan();
    this.logger.log(`name server listening on ${this.address}`, 'NameServer');
    return { addr: this.address };
  }

  async stop(): Promise<void> {
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.scanTimer = undefined;
    const server = this.server;
    this.server = undefined;
    await server?.close();
    await this.kv.flushed();
    this.address = undefined;
  }

  /** `host:port` while started. */
  get addr(): string {
    if (!this.address) throw new NameServerStateError('the name server is not started');
    return this.address;
  }

  get started(): boolean {
    return this.server !== undefined;
  }

  /** The registry (inspection and direct edits in tests). */
  get routes(): RouteInfoManager {
    return this.routeInfo;
  }

  get kvConfig(): KVConfigManager {
    return this.kv;
  }

  /** The live settings (UPDATE_NAMESRV_CONFIG changes them). */
  get settings(): Readonly<NamesrvConfig> {
    return this.config;
  }

  clusterInfo(): ClusterInfo {
    return this.routeInfo.getAllClusterInfo();
  }

  topicRoute(topic: string): TopicRouteData | undefined {
    return this.routeInfo.pickupTopicRouteData(topic);
  }

  liveBrokers(): BrokerLiveInfo[] {
    return this.routeInfo.liveBrokers();
  }

  /** Runs the expiry scan now (the timer runs it every scanIntervalMs); returns the addresses dropped. */
  scanNotActiveBrokers(): string[] {
    return this.routeInfo.scanNotActiveBrokers();
  }

  private scheduleScan(): void {
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.scanTimer = setInterval(() => {
      try {
        this.routeInfo.scanNotActiveBrokers();
      } catch (error) {
        this.logger.error(`scanning for expired brokers failed: ${(error as Error).message}`, (error as Error).stack, 'NameServer');
      }
    }, this.config.scanNotActiveBrokerInterval);
    this.scanTimer.unref();
  }

  private watchBrokerConnection(connection: RemotingConnection): void {
    if (this.watched.has(connection)) return;
    this.watched.add(connection);
    connection.once('close', () => {
      this.logger.log(`connection ${connection.addr} closed: unregistering the brokers bound to it`, 'NameServer');
      this.routeInfo.onChannelDestroy(connection);
    });
  }
}
