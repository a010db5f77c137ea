/**
 * Topic metadata (`TopicConfigManager`): the system topics created at start, auto-creation on send through TBW102,
 * retry / DLQ topics, persisted to `<store>/config/topics.json` in Apache's fastjson shape. Every change bumps the
 * data version (the name server only re-reads a broker's topics when it changes) and asks for a registration.
 */
import path from 'node:path';
import {
  PermName,
  createDataVersion,
  createTopicConfig,
  isInherited,
  nextDataVersion,
  topicConfigSerializeWrapperFromJson,
  topicConfigSerializeWrapperToJson,
  type DataVersion,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import { JsonConfigFile } from '../../store/index.js';
import type { BrokerConfig } from '../broker-config.js';
import type { BrokerLogger, TopicConfigRegistry } from '../broker-context.js';
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  OFFSET_MOVED_EVENT,
  SCHEDULE_TOPIC,
  SCHEDULE_TOPIC_QUEUE_NUMS,
  SELF_TEST_TOPIC,
  TIMER_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  replyTopic,
} from './system-topics.js';

const RW = PermName.READ | PermName.WRITE;

export class TopicConfigManager implements TopicConfigRegistry {
  private readonly table = new Map<string, TopicConfig>();
  private version: DataVersion = createDataVersion();
  private readonly file: JsonConfigFile;
  /** Called after every change (the broker registers with the name servers soon). */
  onChange: () => void = () => {};

  constructor(
    private readonly config: BrokerConfig,
    configDir: string,
    private readonly logger: BrokerLogger,
  ) {
    this.file = new JsonConfigFile(path.join(configDir, 'topics.json'), logger);
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  /** The system topics, then whatever topics.json holds (it wins, as Apache's load after init). */
  load(): void {
    this.initSystemTopics();
    const saved = this.file.load();
    if (saved !== undefined && saved !== null) {
      try {
        const wrapper = topicConfigSerializeWrapperFromJson(saved);
        for (const tc of Object.values(wrapper.topicConfigTable)) this.table.set(tc.topicName, tc);
        this.version = { ...wrapper.dataVersion };
      } catch (err) {
        this.logger.warn(`Ignoring unreadable ${this.file.path}: ${(err as Error).message}`, 'TopicConfigManager');
      }
    }
    // TBW102 follows autoCreateTopicEnable at every start
    if (!this.config.autoCreateTopicEnable) this.table.delete(AUTO_CREATE_TOPIC_KEY_TOPIC);
    this.version = nextDataVersion(this.version);
    this.persistSync();
  }

  private initSystemTopics(): void {
    const c = this.config;
    const put = (name: string, queues: number, perm: number): void => {
      this.table.set(name, createTopicConfig(name, { readQueueNums: queues, writeQueueNums: queues, perm }));
    };
    put(SELF_TEST_TOPIC, 1, RW);
    if (c.autoCreateTopicEnable) put(AUTO_CREATE_TOPIC_KEY_TOPIC, c.defaultTopicQueueNums, RW | PermName.INHERIT);
    put(c.brokerClusterName, 16, c.clusterTopicEnable ? RW | PermName.INHERIT : PermName.INHERIT);
    put(c.brokerName, 1, c.brokerTopicEnable ? RW | PermName.INHERIT : PermName.INHERIT);
    put(OFFSET_MOVED_EVENT, 1, RW);
    put(SCHEDULE_TOPIC, SCHEDULE_TOPIC_QUEUE_NUMS, RW);
    put(replyTopic(c.brokerClusterName), 1, RW);
    put(TRANS_HALF_TOPIC, 1, RW);
    put(TRANS_OP_HALF_TOPIC, 1, RW);
    put(TRANS_CHECK_MAX_TIME_TOPIC, 1, RW);
    if (c.timerWheelEnable) put(TIMER_TOPIC, 1, RW);
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): TopicConfig[] {
    return [...this.table.values()];
  }

  isOrderTopic(topic: string): boolean {
    return this.table.get(topic)?.order ?? false;
  }

  createOrUpdate(config: TopicConfig): void {
    this.table.set(config.topicName, { ...config, attributes: { ...config.attributes } });
    this.changed();
  }

  delete(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.changed();
    return true;
  }

  createOnSend(topic: string, templateTopic: string, clientQueueNums: number, topicSysFlag: number): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const template = this.table.get(templateTopic);
    if (!template) {
      this.logger.warn(`Cannot create topic ${topic}: the template topic ${templateTopic} does not exist`, 'TopicConfigManager');
      return undefined;
    }
    let perm = template.perm;
    if (templateTopic === AUTO_CREATE_TOPIC_KEY_TOPIC && !this.config.autoCreateTopicEnable) perm = RW;
    if (!isInherited(perm)) {
      this.logger.warn(`Cannot create topic ${topic}: the template topic ${templateTopic} has no inherit permission (perm ${perm})`, 'TopicConfigManager');
      return undefined;
    }
    const queues = Math.max(0, Math.min(clientQueueNums, template.writeQueueNums));
    const created = createTopicConfig(topic, {
      readQueueNums: queues,
      writeQueueNums: queues,
      perm: perm & ~PermName.INHERIT,
      topicSysFlag,
    });
    this.table.set(topic, created);
    this.logger.log(`Created topic ${topic} from ${templateTopic} with ${queues} queues`, 'TopicConfigManager');
    this.changed();
    return created;
  }

  createSystemTopic(topic: string, queueNums: number, perm: number, order = false, topicSysFlag = 0): TopicConfig {
    const existing = this.table.get(topic);
    if (existing) {
      if (order && !existing.order) {
        existing.order = true;
        this.changed();
      }
      return existing;
    }
    const created = createTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, order, topicSysFlag });
    this.table.set(topic, created);
    this.changed();
    return created;
  }

  /** Snapshot for registration and GET_ALL_TOPIC_CONFIG. */
  snapshot(): { topicConfigTable: Record<string, TopicConfig>; dataVersion: DataVersion } {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const [name, tc] of this.table) topicConfigTable[name] = { ...tc };
    return { topicConfigTable, dataVersion: { ...this.version } };
  }

  private encode() {
    return topicConfigSerializeWrapperToJson(this.snapshot());
  }

  private changed(): void {
    this.version = nextDataVersion(this.version);
    this.file.persist(this.encode()).catch((err: Error) => this.logger.error(`Cannot write ${this.file.path}: ${err.message}`, err.stack, 'TopicConfigManager'));
    this.onChange();
  }

  persistSync(): void {
    this.file.persistSync(this.encode());
  }
}
