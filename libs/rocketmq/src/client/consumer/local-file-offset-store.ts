/**
 * Broadcasting offsets live in a local file per client and group (Java's LocalFileOffsetStore):
 * `<dir>/<clientId>/<group>/offsets.json`, dir defaulting to `~/.rocketmq_offsets`. The file is
 * Java's OffsetSerializeWrapper JSON (`{"offsetTable":{{queue}:offset}}`, fastjson object keys)
 * and is replaced atomically: written to a temp file, the previous one kept as `.bak`, renamed.
 */
import { mkdir, readFile, rename, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RocketMQLogger } from '../../logger.js';
import { messageQueueMapFrom, messageQueueMapToJson, parseBody, toNum } from '../../protocol/body/json-fields.js';
import { encodeFastjson } from '../../protocol/json/fastjson.js';
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import { OFFSET_NOT_FOUND, type OffsetStore, type ReadOffsetType } from './offset-store.js';

/** Java's default `rocketmq.client.localOffsetStoreDir`. */
export function defaultLocalOffsetStoreDir(): string {
  return path.join(os.homedir(), '.rocketmq_offsets');
}

export function localOffsetFilePath(dir: string, clientId: string, group: string): string {
  return path.join(dir, clientId, group, 'offsets.json');
}

export function encodeOffsetFile(offsets: MessageQueueMap<number>): string {
  return encodeFastjson({ offsetTable: messageQueueMapToJson(offsets, (n) => n) }).toString('utf8');
}

export function decodeOffsetFile(text: string): MessageQueueMap<number> {
  const what = 'OffsetSerializeWrapper';
  return messageQueueMapFrom(what, parseBody(what, text), 'offsetTable', (v) => toNum(what, 'offsetTable', v, 0));
}

export class LocalFileOffsetStore implements OffsetStore {
  private readonly offsets = new MessageQueueMap<number>();
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    clientId: string,
    group: string,
    private readonly logger: RocketMQLogger,
    dir: string = defaultLocalOffsetStoreDir(),
  ) {
    this.file = localOffsetFilePath(dir, clientId, group);
  }

  async load(): Promise<void> {
    const stored = await this.readFileOffsets();
    for (const [mq, offset] of stored) this.offsets.set(mq, offset);
  }

  private async readFileOffsets(): Promise<MessageQueueMap<number>> {
    for (const candidate of [this.file, `${this.file}.bak`]) {
      let text: string;
      try {
        text = await readFile(candidate, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      try {
        return decodeOffsetFile(text);
      } catch (error) {
        this.logger.warn(`offset file ${candidate} is unreadable (${(error as Error).message}); trying the backup`, 'OffsetStore');
      }
    }
    return new MessageQueueMap();
  }

  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const current = this.offsets.get(mq);
    if (current === undefined || !increaseOnly || offset > current) this.offsets.set(mq, offset);
  }

  memoryOffset(mq: MessageQueue): number {
    return this.offsets.get(mq) ?? OFFSET_NOT_FOUND;
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== 'STORE') {
      const memory = this.offsets.get(mq);
      if (memory !== undefined || type === 'MEMORY') return memory ?? OFFSET_NOT_FOUND;
    }
    const stored = (await this.readFileOffsets()).get(mq);
    if (stored === undefined) return OFFSET_NOT_FOUND;
    this.updateOffset(mq, stored, false);
    return stored;
  }

  async persistAll(mqs: readonly MessageQueue[]): Promise<void> {
    if (mqs.length === 0) return;
    const owned = new MessageQueueMap<true>(mqs.map((mq) => [mq, true] as const));
    const snapshot = new MessageQueueMap<number>();
    for (const [mq, offset] of this.offsets) if (owned.has(mq)) snapshot.set(mq, offset);
    await this.write(snapshot);
  }

  async persist(mq: MessageQueue): Promise<void> {
    if (this.offsets.has(mq)) await this.persistAll([...this.offsets.keys()]);
  }

  removeOffset(): void {
    // Java keeps broadcasting offsets when a queue goes away.
  }

  cloneOffsetTable(topic?: string): MessageQueueMap<number> {
    const out = new MessageQueueMap<number>();
    for (const [mq, offset] of this.offsets) if (topic === undefined || mq.topic === topic) out.set(mq, offset);
    return out;
  }

  async commitOffset(mq: MessageQueue, offset: number): Promise<void> {
    this.updateOffset(mq, offset, false);
    await this.persistAll([...this.offsets.keys()]);
  }

  /** Writes are chained so two persists never interleave their temp files. */
  private write(offsets: MessageQueueMap<number>): Promise<void> {
    const text = encodeOffsetFile(offsets);
    const run = async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, text, 'utf8');
      await copyFile(this.file, `${this.file}.bak`).catch(() => undefined);
      await rename(tmp, this.file);
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }
}
