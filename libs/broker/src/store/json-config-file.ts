/**
 * Metadata files (`ConfigManager` + `MixAll.string2File`): topics.json, subscriptionGroup.json,
 * consumerOffset.json, delayOffset.json. A write goes to `<file>.tmp` (fsynced), the previous content is kept as
 * `<file>.bak`, then the temp file is renamed over the file, so a crash leaves either version readable. Loading
 * falls back to the backup when the file is missing, empty or unparsable; it reads fastjson's quirks (unquoted
 * integer keys, object keys) with `parseFastjson`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type FastjsonWriteOptions, type JsonValue, type JsonWritable, parseFastjson, stringifyFastjson } from '@app/rocketmq/protocol';
import type { StoreLogger } from './store-options.js';

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not supported everywhere (e.g. Windows): the rename is still atomic
  }
}

export class JsonConfigFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly logger?: StoreLogger,
  ) {}

  get backupPath(): string {
    return this.path + '.bak';
  }

  private readText(file: string): string | undefined {
    try {
      const text = fs.readFileSync(file, 'utf8');
      return text.trim().length > 0 ? text : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger?.warn(`Cannot read ${file}: ${(err as Error).message}`, 'JsonConfigFile');
      return undefined;
    }
  }

  /** The parsed content of the file, else of its backup; undefined when neither is usable. */
  load(): JsonValue | undefined {
    for (const file of [this.path, this.backupPath]) {
      const text = this.readText(file);
      if (text === undefined) continue;
      try {
        const value = parseFastjson(text);
        if (file !== this.path) this.logger?.warn(`${this.path} is missing or damaged; loaded ${file}`, 'JsonConfigFile');
        return value;
      } catch (err) {
        this.logger?.warn(`Cannot parse ${file}: ${(err as Error).message}`, 'JsonConfigFile');
      }
    }
    return undefined;
  }

  /** The text of the file, else of its backup (for callers with their own parser). */
  loadText(): string | undefined {
    return this.readText(this.path) ?? this.readText(this.backupPath);
  }

  private writeNow(text: string): void {
    fs.mkdirSync(path.dirname(this.path), { recursive: true });
    const tmp = this.path + '.tmp';
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const previous = this.readText(this.path);
    if (previous !== undefined) fs.writeFileSync(this.backupPath, previous);
    fs.renameSync(tmp, this.path);
    fsyncDir(path.dirname(this.path));
  }

  private static encode(value: string | JsonWritable, options?: FastjsonWriteOptions): string {
    return typeof value === 'string' ? value : stringifyFastjson(value, options);
  }

  /** Persist `value` (JSON text, or a value written with `stringifyFastjson`). Writes are serialized. */
  persist(value: string | JsonWritable, options?: FastjsonWriteOptions): Promise<void> {
    const text = JsonConfigFile.encode(value, options);
    const next = this.writing.then(() => this.writeNow(text));
    this.writing = next.catch(() => {});
    return next;
  }

  /** Synchronous `persist`, for shutdown paths. */
  persistSync(value: string | JsonWritable, options?: FastjsonWriteOptions): void {
    this.writeNow(JsonConfigFile.encode(value, options));
  }
}
