/** Helpers for the store's unit tests and benchmarks (no test-framework import, so the lib build accepts it). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { propertiesToString } from '@app/rocketmq/protocol';
import { MessageStore } from './message-store.js';
import type { PutMessageInput } from './message-store-types.js';
import type { MessageStoreOptions } from './store-options.js';

export const TEST_STORE_HOST = '127.0.0.1:10911';
export const TEST_BORN_HOST = Buffer.from([10, 0, 0, 7, 0, 0, 0x30, 0x39]);

export function tempStoreDir(prefix = 'rmq-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Small files so that tests cross segment boundaries; no background retention. */
export function testStoreOptions(storePath: string, overrides: Partial<MessageStoreOptions> = {}): MessageStoreOptions {
  return {
    storePath,
    storeHost: TEST_STORE_HOST,
    commitLogSegmentSize: 64 * 1024,
    consumeQueueUnitsPerFile: 100,
    maxHashSlotNum: 1024,
    maxIndexNum: 4096,
    cleanResourceIntervalMs: 0,
    ...overrides,
  };
}

export interface TestMessageOptions {
  tags?: string;
  keys?: string;
  uniqKey?: string;
  extra?: Record<string, string>;
  bornTimestamp?: number;
  sysFlag?: number;
}

export function testMessage(topic: string, queueId: number, body: string | Buffer, options: TestMessageOptions = {}): PutMessageInput {
  return {
    topic,
    queueId,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    properties: propertiesToString({
      TAGS: options.tags,
      KEYS: options.keys,
      UNIQ_KEY: options.uniqKey,
      WAIT: 'true',
      ...options.extra,
    }),
    bornTimestamp: options.bornTimestamp ?? Date.now(),
    bornHost: TEST_BORN_HOST,
    sysFlag: options.sysFlag,
  };
}

/** Wait for in-flight file I/O of a killed store to settle. */
export function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stores opened by a test file in temp dirs, closed and removed after each test (`afterEach(() => stores.closeAll())`). */
export class TestStores {
  private readonly opened: { store: MessageStore; dir: string }[] = [];

  async open(overrides: Partial<MessageStoreOptions> = {}): Promise<{ store: MessageStore; dir: string }> {
    const dir = tempStoreDir();
    const store = await MessageStore.open(testStoreOptions(dir, overrides)).catch((error: unknown) => {
      removeDir(dir);
      throw error;
    });
    this.opened.push({ store, dir });
    return { store, dir };
  }

  async closeAll(): Promise<void> {
    for (const { store, dir } of this.opened.splice(0)) {
      await store.close();
      removeDir(dir);
    }
  }
}
