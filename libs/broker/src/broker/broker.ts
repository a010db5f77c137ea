/**
 * An embeddable RocketMQ broker (`BrokerController`): the message store, the topic / group / offset registries, the
 * client registry, the request processors, the optional features (delay, timer, transactions, admin, ACL) and the
 * registration with the name servers. Apache clients and tools use it as they use Apache's broker.
 *
 *   const broker = new Broker({ namesrvAddr: '127.0.0.1:9876', storePathRootDir: '/tmp/b' });
 *   await broker.start();       // broker.addr → "127.0.0.1:41235"
 *   ...
 *   await broker.stop();
 */
import path from 'node:path';
import { RemotingServer, type RequestHandler, type RemotingServerOptions } from '@app/rocketmq/remoting';
import { RemotingCommand, ResponseCode } from '@app/rocketmq/protocol';
import { MessageStore, type MessageStoreOptions, type PutMessageResult } from '../store/index.js';
import { defaultBrokerConfig, type BrokerConfig } from './broker-config.js';
import type { BrokerContext, BrokerLogger, BrokerService, InternalMessage, PutHook } from './broker-context.js';
import { BrokerClientRegistry } from './client/client-registry.js';
import { RebalanceLockManager } from './client/rebalance-lock-manager.js';
import { installDefaultFeatures } from './features.js';
import { ConsumerOffsetManager } from './metadata/consumer-offset-manager.js';
import { SubscriptionGroupManager } from './metadata/subscription-group-manager.js';
import { TopicConfigManager } from './metadata/topic-config-manager.js';
import { clientManageProcessors } from './processors/client-manage-processor.js';
import { consumerManageProcessors } from './processors/consumer-manage-processor.js';
import { toPutInput } from './processors/internal-message.js';
import { lockProcessors } from './processors/lock-processor.js';
import { PutRefusedError, type ProcessorContext } from './processors/processor-context.js';
import { PullMessageProcessor } from './processors/pull-processor.js';
import { queueOffsetProcessors } from './processors/queue-offset-processor.js';
import { sendBackProcessors } from './processors/send-back-processor.js';
import { sendProcessors } from './processors/send-processor.js';
import { NameServerRegistrar } from './registration/name-server-registrar.js';
import { createAclValidator, type AclRequestValidator, type AclValidatorOptions } from './acl-hook.js';
import { createScheduleTagsCode } from './schedule/delay-levels.js';

export interface BrokerOptions {
  logger?: BrokerLogger;
  /** Extra features, installed after the default ones (see features.ts). */
  features?: (ctx: BrokerContext) => BrokerService[] | Promise<BrokerService[]>;
  /** Install the feature folders present (features.ts). Default true. */
  defaultFeatures?: boolean;
  /** TLS on the listen port, as Apache does it (engineer C's tls options plug in here). */
  tls?: RemotingServerOptions['tls'];
  /** ACL 1.0 accounts when aclEnable is on (default: $ROCKETMQ_HOME/conf/plain_acl.yml, see acl-hook.ts). */
  acl?: Omit<AclValidatorOptions, 'logger'>;
  /** Store options not in BrokerConfig (write cache, check-point period, ...). */
  store?: Partial<MessageStoreOptions>;
}

export class BrokerStateError extends Error {
  override name = 'BrokerStateError';
}

const silent: BrokerLogger = { log() {}, warn() {}, error() {} };

/** BrokerConfig → MessageStoreOptions. */
export function storeOptionsOf(config: BrokerConfig, storeHost: string, logger: BrokerLogger): MessageStoreOptions {
  return {
    storePath: config.storePathRootDir,
    storeHost,
    flushDiskType: config.flushDiskType === 'SYNC_FLUSH' ? 'SYNC' : 'ASYNC',
    flushIntervalMs: config.flushIntervalCommitLog,
    syncFlushTimeoutMs: config.syncFlushTimeout,
    commitLogSegmentSize: config.mappedFileSizeCommitLog,
    consumeQueueUnitsPerFile: Math.max(1, Math.floor(config.mappedFileSizeConsumeQueue / 20)),
    maxMessageSize: config.maxMessageSize,
    messageIndexEnable: config.messageIndexEnable,
    fileReservedTime: config.fileReservedTime,
    diskMaxUsedSpaceRatio: config.diskMaxUsedSpaceRatio,
    maxTransferBytes: config.maxTransferBytesOnMessageInMemory,
    computeTagsCode: createScheduleTagsCode(config.messageDelayLevel),
    logger,
  };
}

export class Broker {
  readonly config: BrokerConfig;
  private readonly logger: BrokerLogger;
  private server: RemotingServer | undefined;
  private store: MessageStore | undefined;
  private ctx: BrokerContext | undefined;
  private address: string | undefined;
  private services: BrokerService[] = [];
  private topicManager: TopicConfigManager | undefined;
  private groupManager: SubscriptionGroupManager | undefined;
  private offsetManager: ConsumerOffsetManager | undefined;
  private clientRegistry: BrokerClientRegistry | undefined;
  private pull: PullMessageProcessor | undefined;
  private registrar: NameServerRegistrar | undefined;
  private unsubscribeDispatch: (() => void) | undefined;
  private acl: AclRequestValidator | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  constructor(
    config: Partial<BrokerConfig>,
    private readonly options: BrokerOptions = {},
  ) {
    const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<BrokerConfig>;
    this.config = { ...defaultBrokerConfig(), ...defined };
    this.logger = options.logger ?? silent;
  }

  /** `brokerIP1:port` once started. */
  get addr(): string {
    if (!this.address) throw new BrokerStateError('the broker is not started');
    return this.address;
  }

  get context(): BrokerContext {
    if (!this.ctx) throw new BrokerStateError('the broker is not started');
    return this.ctx;
  }

  get started(): boolean {
    return this.state === 'running';
  }

  /** Registers with the name servers now and waits for their answers. */
  async registerNow(): Promise<void> {
    await this.registrar?.registerAll();
  }

  async start(): Promise<void> {
    if (this.state !== 'new' && this.state !== 'stopped') throw new BrokerStateError(`the broker cannot start while ${this.state}`);
    const config = this.config;
    if (!config.storePathRootDir) throw new BrokerStateError('storePathRootDir is required: the directory of the commit log, consume queues and config files');
    this.state = 'starting';
    const logger = this.logger;
    try {
      const acl = config.aclEnable ? createAclValidator(config, { ...this.options.acl, logger }) : undefined;
      this.acl = acl;
      // with ACL on, every request is checked before its processor runs (Apache's RPC hook)
      const guard = (handler: RequestHandler): RequestHandler =>
        acl ? (request, connection) => acl(request, connection) ?? handler(request, connection) : handler;
      const server = new RemotingServer({ host: config.brokerIP1, port: config.listenPort, logger, tls: this.options.tls });
      server.registerDefaultProcessor((request) => RemotingCommand.response(request, ResponseCode.SYSTEM_BUSY, 'the broker is starting, try again'));
      this.server = server;
      const info = await server.listen();
      const address = `${config.brokerIP1}:${info.port}`;
      this.address = address;

      const store = await MessageStore.open({ ...storeOptionsOf(config, address, logger), ...this.options.store });
      this.store = store;

      const configDir = path.join(config.storePathRootDir, 'config');
      const topics = new TopicConfigManager(config, configDir, logger);
      topics.load();
      const groups = new SubscriptionGroupManager(config, configDir, logger);
      groups.load();
      const offsets = new ConsumerOffsetManager(configDir, logger);
      offsets.load();
      const clients = new BrokerClientRegistry({
        channelExpiredTimeout: config.channelExpiredTimeout,
        notifyConsumerIdsChangedEnable: config.notifyConsumerIdsChangedEnable,
        logger,
        groupNotifies: (group) => groups.get(group)?.notifyConsumerIdsChangedEnable ?? true,
      });
      const locks = new RebalanceLockManager(config.rebalanceLockMaxLiveTime);
      const registrar = new NameServerRegistrar(config, address, topics, logger);
      this.topicManager = topics;
      this.groupManager = groups;
      this.offsetManager = offsets;
      this.clientRegistry = clients;
      this.registrar = registrar;

      const hooks: PutHook[] = [];
      const applyHooks = (message: InternalMessage) => {
        for (const hook of hooks) {
          const refused = hook(message);
          if (refused) return refused;
        }
        return undefined;
      };
      const ctx: BrokerContext = {
        config,
        store,
        logger,
        brokerAddr: address,
        topics,
        groups,
        offsets,
        clients,
        putInternal: (message, opts): Promise<PutMessageResult> => {
          if (!opts?.skipHooks) {
            const refused = applyHooks(message);
            if (refused) return Promise.reject(new PutRefusedError(refused.code, refused.remark));
          }
          try {
            return store.putMessage(toPutInput(message, config.brokerClusterName));
          } catch (err) {
            return Promise.reject(err as Error);
          }
        },
        addPutHook: (hook) => hooks.push(hook),
        registerProcessor: (code: number, handler: RequestHandler) => server.registerProcessor(code, guard(handler)),
        requestRegistration: () => registrar.requestRegistration(),
      };
      this.ctx = ctx;
      topics.onChange = () => registrar.requestRegistration();

      const base = { ctx, topicManager: topics, clientRegistry: clients, locks, applyHooks, registrationSettled: () => registrar.settled() };
      const pull = new PullMessageProcessor(base);
      this.pull = pull;
      const pc: ProcessorContext = { ...base, pullHold: pull.hold };
      const tables = [
        sendProcessors(pc),
        pull.handlers(),
        consumerManageProcessors(ctx),
        queueOffsetProcessors(ctx),
        clientManageProcessors(pc),
        lockProcessors(locks),
        sendBackProcessors(ctx),
      ];
      for (const table of tables) for (const [code, handler] of table) server.registerProcessor(code, guard(handler));

      const services: BrokerService[] = [];
      if (this.options.defaultFeatures !== false) services.push(...(await installDefaultFeatures(ctx)));
      if (this.options.features) services.push(...(await this.options.features(ctx)));
      this.services = services;

      this.unsubscribeDispatch = store.onDispatched(pull.hold.onDispatched);
      clients.start();
      offsets.startPeriodicPersist(config.flushConsumerOffsetInterval);
      for (const service of services) await service.start();
      server.registerDefaultProcessor((request) => RemotingCommand.response(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`));

      await registrar.registerAll();
      registrar.start();
      this.state = 'running';
      logger.log(`broker ${config.brokerName} (${config.brokerClusterName}) listening on ${address}, store ${config.storePathRootDir}`, 'Broker');
    } catch (err) {
      await this.shutdown().catch(() => undefined);
      this.state = 'stopped';
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.state !== 'running' && this.state !== 'starting') return;
    this.state = 'stopping';
    await this.shutdown();
    this.state = 'stopped';
  }

  private async shutdown(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (what: string, task: () => unknown): Promise<void> => {
      try {
        await task();
      } catch (err) {
        errors.push(err);
        this.logger.error(`Stopping the broker: ${what} failed: ${(err as Error).message}`, (err as Error).stack, 'Broker');
      }
    };
    for (const service of [...this.services].reverse()) await attempt('a feature service', () => service.stop());
    this.services = [];
    await attempt('unregistering', () => this.registrar?.stop());
    await attempt('held pulls', () => this.pull?.hold.stop());
    this.unsubscribeDispatch?.();
    await attempt('closing the server', () => this.server?.close());
    this.clientRegistry?.stop();
    await attempt('persisting offsets', () => this.offsetManager?.stop());
    await attempt('persisting topics', () => this.topicManager?.persistSync());
    await attempt('persisting groups', () => this.groupManager?.persistSync());
    await attempt('closing the store', () => this.store?.close());
    this.acl?.close();
    this.acl = undefined;
    this.server = this.store = this.ctx = this.registrar = this.pull = undefined;
    this.unsubscribeDispatch = undefined;
    this.address = undefined;
  }
}
