/**
 * Committed consumer offsets (`ConsumerOffsetManager`): `topic@group` → queueId → next offset to consume, persisted
 * to `<store>/config/consumerOffset.json` every flushConsumerOffsetInterval (when changed) and at stop, in fastjson's
 * shape (`{"offsetTable":{"t@g":{0:250}}}`, queue ids unquoted).
 */
import path from 'node:path';
import { createDataVersion, dataVersionToJson, jsonEntries, nextDataVersion, type DataVersion, type JsonValue } from '@app/rocketmq/protocol';
import { JsonConfigFile } from '../../store/index.js';
import type { BrokerLogger, ConsumerOffsetRegistry } from '../broker-context.js';

const SEPARATOR = '@';
/** The data version moves every this many commits, as Apache does. */
const VERSION_CHANGE_STEP = 500;

export class ConsumerOffsetManager implements ConsumerOffsetRegistry {
  private readonly table = new Map<string, Map<number, number>>();
  private version: DataVersion = createDataVersion();
  private readonly file: JsonConfigFile;
  private dirty = false;
  private commits = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    configDir: string,
    private readonly logger: BrokerLogger,
  ) {
    this.file = new JsonConfigFile(path.join(configDir, 'consumerOffset.json'), logger);
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  load(): void {
    const saved = this.file.load();
    if (saved === undefined || saved === null || typeof saved !== 'object') return;
    const root = saved as { offsetTable?: JsonValue; dataVersion?: JsonValue };
    for (const [key, queues] of jsonEntries(root.offsetTable ?? null)) {
      const offsets = new Map<number, number>();
      for (const [queueId, offset] of jsonEntries(queues)) {
        const q = Number(queueId);
        const o = Number(offset);
        if (Number.isInteger(q) && Number.isFinite(o)) offsets.set(q, o);
      }
      this.table.set(String(key), offsets);
    }
  }

  /** Persists every `intervalMs` when something changed. */
  startPeriodicPersist(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.dirty) void this.persist();
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.persistSync();
  }

  query(group: string, topic: string, queueId: number): number | undefined {
    return this.table.get(topic + SEPARATOR + group)?.get(queueId);
  }

  commit(group: string, topic: string, queueId: number, offset: number, clientAddr?: string): void {
    const key = topic + SEPARATOR + group;
    let offsets = this.table.get(key);
    if (!offsets) {
      offsets = new Map();
      this.table.set(key, offsets);
    }
    const previous = offsets.get(queueId);
    if (previous !== undefined && offset < previous) {
      this.logger.debug?.(`[NOTIFYME] update consumer offset less than store: clientHost=${clientAddr ?? '-'}, key=${key}, queueId=${queueId}, requestOffset=${offset}, storeOffset=${previous}`, 'ConsumerOffsetManager');
    }
    offsets.set(queueId, offset);
    this.dirty = true;
    if (++this.commits % VERSION_CHANGE_STEP === 0) this.version = nextDataVersion(this.version);
  }

  offsetsOf(group: string, topic: string): Map<number, number> {
    return new Map(this.table.get(topic + SEPARATOR + group) ?? []);
  }

  topicsOf(group: string): string[] {
    const out: string[] = [];
    for (const key of this.table.keys()) {
      const at = key.lastIndexOf(SEPARATOR);
      if (key.slice(at + 1) === group) out.push(key.slice(0, at));
    }
    return out;
  }

  groupsOf(topic: string): string[] {
    const out: string[] = [];
    for (const key of this.table.keys()) {
      const at = key.lastIndexOf(SEPARATOR);
      if (key.slice(0, at) === topic) out.push(key.slice(at + 1));
    }
    return out;
  }

  removeGroup(group: string): void {
    for (const key of [...this.table.keys()]) if (key.slice(key.lastIndexOf(SEPARATOR) + 1) === group) this.table.delete(key);
    this.dirty = true;
  }

  private encode() {
    const offsetTable = new Map<string, Map<number, number>>();
    for (const [key, offsets] of this.table) offsetTable.set(key, new Map([...offsets].sort((a, b) => a[0] - b[0])));
    return { dataVersion: dataVersionToJson(this.version), offsetTable };
  }

  async persist(): Promise<void> {
    this.dirty = false;
    try {
      await this.file.persist(this.encode());
    } catch (err) {
      this.dirty = true;
      this.logger.error(`Cannot write ${this.file.path}: ${(err as Error).message}`, (err as Error).stack, 'ConsumerOffsetManager');
    }
  }

  persistSync(): void {
    this.dirty = false;
    this.file.persistSync(this.encode());
  }
}
