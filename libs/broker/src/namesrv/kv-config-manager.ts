/**
 * The name server's KV config (`KVConfigManager.java`): namespaces of key/value strings, the only state a
 * name server keeps on disk. The file has Java's shape, `{"configTable":{"<namespace>":{"<key>":"<value>"}}}`,
 * and is rewritten (temporary file + rename) after every change.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeKVTable, isJsonObject, parseFastjson } from '@app/rocketmq/protocol';
import { silentNamesrvLogger, type NamesrvLogger } from './namesrv-logger.js';

export class KVConfigManager {
  private readonly configTable = new Map<string, Map<string, string>>();
  /** Writes are chained so two changes never race on the temporary file. */
  private writes: Promise<void> = Promise.resolve();
  private tmpCounter = 0;

  constructor(
    /** JSON file to persist to; undefined keeps the config in memory only. */
    private readonly path: string | undefined,
    private readonly logger: NamesrvLogger = silentNamesrvLogger,
  ) {}

  /** Reads the file if there is one. A missing file is an empty config; an unreadable one is reported and skipped. */
  async load(): Promise<void> {
    if (!this.path) return;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`cannot read the KV config ${this.path}: ${(error as Error).message}`, 'KVConfigManager');
      }
      return;
    }
    try {
      const root = parseFastjson(text);
      const table = isJsonObject(root) ? root['configTable'] : undefined;
      if (!isJsonObject(table)) return;
      for (const [namespace, kv] of Object.entries(table)) {
        if (!isJsonObject(kv)) continue;
        const entries = new Map<string, string>();
        for (const [key, value] of Object.entries(kv)) {
          if (value !== null && value !== undefined) entries.set(key, typeof value === 'string' ? value : String(value));
        }
        this.configTable.set(namespace, entries);
      }
      this.logger.log(`loaded the KV config from ${this.path}`, 'KVConfigManager');
    } catch (error) {
      this.logger.warn(`the KV config ${this.path} is not valid JSON, starting empty: ${(error as Error).message}`, 'KVConfigManager');
    }
  }

  async put(namespace: string, key: string, value: string): Promise<void> {
    let kv = this.configTable.get(namespace);
    if (!kv) {
      kv = new Map();
      this.configTable.set(namespace, kv);
    }
    kv.set(key, value);
    await this.persist();
  }

  get(namespace: string, key: string): string | undefined {
    return this.configTable.get(namespace)?.get(key);
  }

  async delete(namespace: string, key: string): Promise<void> {
    this.configTable.get(namespace)?.delete(key);
    await this.persist();
  }

  /** The namespace's entries, or undefined when the namespace was never created (Java keeps emptied ones). */
  list(namespace: string): Record<string, string> | undefined {
    const kv = this.configTable.get(namespace);
    return kv ? Object.fromEntries(kv) : undefined;
  }

  /** GET_KVLIST_BY_NAMESPACE / REGISTER_BROKER body: the namespace as a KVTable, or undefined. */
  encodeNamespace(namespace: string): Buffer | undefined {
    const table = this.list(namespace);
    return table ? encodeKVTable({ table }) : undefined;
  }

  snapshot(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const [namespace, kv] of this.configTable) out[namespace] = Object.fromEntries(kv);
    return out;
  }

  /** Resolves once every change made so far is on disk. */
  flushed(): Promise<void> {
    return this.writes;
  }

  private persist(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const content = JSON.stringify({ configTable: this.snapshot() });
    const write = this.writes.then(async () => {
      const tmp = `${path}.tmp-${process.pid}-${this.tmpCounter++}`;
      try {
        await mkdir(dirname(path), { recursive: true });
        const file = await open(tmp, 'w');
        try {
          await file.writeFile(content, 'utf8');
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true }).catch(() => undefined);
        this.logger.error(`cannot persist the KV config to ${path}: ${(error as Error).message}`, undefined, 'KVConfigManager');
        throw error;
      }
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}
