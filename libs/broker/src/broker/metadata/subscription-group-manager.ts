/**
 * Consumer group metadata (`SubscriptionGroupManager`), persisted to `<store>/config/subscriptionGroup.json`
 * in Apache's shape. Groups are created with defaults on first use when autoCreateSubscriptionGroup is on.
 */
import path from 'node:path';
import {
  createDataVersion,
  createSubscriptionGroupConfig,
  decodeSubscriptionGroupWrapper,
  nextDataVersion,
  stringifyFastjson,
  subscriptionGroupConfigToJson,
  dataVersionToJson,
  type DataVersion,
  type JsonWritable,
  type SubscriptionGroupConfig,
} from '@app/rocketmq/protocol';
import { JsonConfigFile } from '../../store/index.js';
import type { BrokerConfig } from '../broker-config.js';
import type { BrokerLogger, SubscriptionGroupRegistry } from '../broker-context.js';
import { BUILT_IN_GROUPS } from './system-topics.js';

export class SubscriptionGroupManager implements SubscriptionGroupRegistry {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private forbidden: Record<string, Record<string, number>> = {};
  private version: DataVersion = createDataVersion();
  private readonly file: JsonConfigFile;

  constructor(
    private readonly config: BrokerConfig,
    configDir: string,
    private readonly logger: BrokerLogger,
  ) {
    this.file = new JsonConfigFile(path.join(configDir, 'subscriptionGroup.json'), logger);
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  load(): void {
    for (const name of BUILT_IN_GROUPS) this.table.set(name, createSubscriptionGroupConfig(name));
    const text = this.file.loadText();
    if (text !== undefined) {
      try {
        const wrapper = decodeSubscriptionGroupWrapper(text);
        for (const cfg of Object.values(wrapper.subscriptionGroupTable)) this.table.set(cfg.groupName, cfg);
        this.forbidden = wrapper.forbiddenTable;
        this.version = { ...wrapper.dataVersion };
      } catch (err) {
        this.logger.warn(`Ignoring unreadable ${this.file.path}: ${(err as Error).message}`, 'SubscriptionGroupManager');
      }
    }
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing || !this.config.autoCreateSubscriptionGroup) return existing;
    const created = createSubscriptionGroupConfig(group);
    this.table.set(group, created);
    this.logger.log(`Created subscription group ${group}`, 'SubscriptionGroupManager');
    this.changed();
    return created;
  }

  createOrUpdate(config: SubscriptionGroupConfig): void {
    this.table.set(config.groupName, { ...config });
    this.changed();
  }

  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    delete this.forbidden[group];
    this.changed();
    return true;
  }

  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }

  private encode(): string {
    const table: Record<string, JsonWritable> = {};
    for (const [name, cfg] of this.table) table[name] = subscriptionGroupConfigToJson(cfg);
    return stringifyFastjson({ dataVersion: dataVersionToJson(this.version), forbiddenTable: this.forbidden, subscriptionGroupTable: table });
  }

  private changed(): void {
    this.version = nextDataVersion(this.version);
    this.file.persist(this.encode()).catch((err: Error) => this.logger.error(`Cannot write ${this.file.path}: ${err.message}`, err.stack, 'SubscriptionGroupManager'));
  }

  persistSync(): void {
    this.file.persistSync(this.encode());
  }
}
