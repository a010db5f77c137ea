import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { decodeStoredMessage } from '@app/rocketmq/protocol';
import { MessageStore } from './message-store.js';
import { StoreUnavailableError } from './store-errors.js';
import type { DiskSpace, MessageStoreOptions } from './store-options.js';
import { testMessage, TestStores } from './test-fixtures.js';

const stores = new TestStores();
const openStore = (overrides: Partial<MessageStoreOptions> = {}) => stores.open(overrides);

afterEach(() => stores.closeAll());

const HOUR = 3_600_000;

async function fillFiles(store: MessageStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await store.putMessage(testMessage('Ret', i % 2, Buffer.alloc(1500, i & 0xff), { keys: `k${i}` }));
  await store.runCheckpoint();
}

describe('retention', () => {
  it('deletes commit-log files older than fileReservedTime, never the active one, and moves queue min offsets', async () => {
    let clock = Date.now();
    const { store, dir } = await openStore({ fileReservedTime: 1, now: () => clock, consumeQueueUnitsPerFile: 20 });
    await fillFiles(store, 200);
    const before = store.stats().commitLog;
    expect(before.segments).toBeGreaterThanOrEqual(4);

    expect((await store.cleanExpiredFiles()).deletedCommitLogFiles).toBe(0);
    clock += 2 * HOUR;
    const result = await store.cleanExpiredFiles();
    expect(result.deletedCommitLogFiles).toBe(before.segments - 1);
    expect(result.deletedConsumeQueueFiles).toBeGreaterThan(0);
    const after = store.stats().commitLog;
    expect(after.segments).toBe(1);
    expect(fs.readdirSync(path.join(dir, 'commitlog'))).toHaveLength(1);
    expect(after.minOffset).toBe(Math.floor(after.maxOffset / (64 * 1024)) * 64 * 1024);

    for (const q of [0, 1]) {
      const min = store.minOffset('Ret', q);
      expect(min).toBeGreaterThan(0);
      expect((await store.getMessages({ topic: 'Ret', queueId: q, offset: 0, maxCount: 1 })).status).toBe('OFFSET_TOO_SMALL');
      const got = await store.getMessages({ topic: 'Ret', queueId: q, offset: min, maxCount: 1 });
      expect(got.status).toBe('FOUND');
      expect(decodeStoredMessage(got.records[0]!).commitLogOffset).toBeGreaterThanOrEqual(after.minOffset);
      // the entry before min pointed into a deleted file
      expect((await store.lookup('Ret', q, min - 1))).toBeUndefined();
    }
    const put = await store.putMessage(testMessage('Ret', 0, 'still writable'));
    expect(put.queueOffset).toBe(100);
  });

  it('deletes the oldest files whatever their age while the disk is fuller than diskMaxUsedSpaceRatio', async () => {
    let used = 0.5;
    const diskSpace = async (): Promise<DiskSpace> => ({ total: 100, free: 100 - used * 100 });
    const { store } = await openStore({ diskSpace, diskMaxUsedSpaceRatio: 75 });
    await fillFiles(store, 200);
    const segments = store.stats().commitLog.segments;
    expect((await store.cleanExpiredFiles()).deletedCommitLogFiles).toBe(0);
    used = 0.8;
    const result = await store.cleanExpiredFiles();
    expect(result.deletedCommitLogFiles).toBe(Math.min(10, segments - 1));
    expect(store.stats().commitLog.segments).toBe(segments - result.deletedCommitLogFiles);
  });

  it('refuses writes with SERVICE_NOT_AVAILABLE while the disk is above diskSpaceWarningLevelRatio', async () => {
    let used = 0.95;
    const { store } = await openStore({ diskSpace: async () => ({ total: 100, free: 100 - used * 100 }) });
    await store.cleanExpiredFiles();
    expect(store.stats().diskFull).toBe(true);
    const err = await store.putMessage(testMessage('Full', 0, 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).reason).toBe('DISK_FULL');
    used = 0.5;
    await store.cleanExpiredFiles();
    await expect(store.putMessage(testMessage('Full', 0, 'x'))).resolves.toMatchObject({ status: 'PUT_OK' });
  });

  it('deletes index files that only point into deleted commit-log files', async () => {
    let clock = Date.now();
    const { store } = await openStore({ fileReservedTime: 1, now: () => clock, maxIndexNum: 40 });
    await fillFiles(store, 200);
    const indexFiles = store.stats().indexFiles;
    expect(indexFiles).toBeGreaterThan(2);
    clock += 2 * HOUR;
    const result = await store.cleanExpiredFiles();
    expect(result.deletedIndexFiles).toBeGreaterThan(0);
    expect(store.stats().indexFiles).toBe(indexFiles - result.deletedIndexFiles);
    expect((await store.queryByKey('Ret', 'k199')).records).toHaveLength(1);
    expect((await store.queryByKey('Ret', 'k0')).records).toHaveLength(0);
  });
});
