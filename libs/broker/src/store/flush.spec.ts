import fs from 'node:fs';
import path from 'node:path';
import type { MessageStoreOptions } from './store-options.js';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MessageStore } from './message-store.js';
import { SegmentFile } from './segment-file.js';
import { testMessage, TestStores } from './test-fixtures.js';

const stores = new TestStores();
const openStore = (overrides: Partial<MessageStoreOptions> = {}) => stores.open(overrides);

afterEach(() => stores.closeAll());

describe('SYNC flush', () => {
  it('resolves a put only after its bytes are fdatasync’ed', async () => {
    const { store } = await openStore({ flushDiskType: 'SYNC' });
    const before = store.stats().commitLog.fsyncCount;
    const put = await store.putMessage(testMessage('Sync', 0, 'durable'));
    expect(put.status).toBe('PUT_OK');
    expect(put.flushed).toBe(true);
    const stats = store.stats().commitLog;
    expect(stats.flushedOffset).toBeGreaterThanOrEqual(put.commitLogOffset + put.size);
    expect(stats.fsyncCount).toBeGreaterThan(before);
  });

  it('merges concurrent puts into a few fdatasync calls (group commit)', async () => {
    const { store } = await openStore({ flushDiskType: 'SYNC', commitLogSegmentSize: 4 << 20 });
    const before = store.stats().commitLog.fsyncCount;
    const puts = await Promise.all(Array.from({ length: 128 }, (_, i) => store.putMessage(testMessage('Group', i % 4, Buffer.alloc(1024, i)))));
    const fsyncs = store.stats().commitLog.fsyncCount - before;
    expect(puts.every((p) => p.status === 'PUT_OK' && p.flushed)).toBe(true);
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    expect(fsyncs).toBeLessThanOrEqual(4);
    const end = Math.max(...puts.map((p) => p.commitLogOffset + p.size));
    expect(store.stats().commitLog.flushedOffset).toBeGreaterThanOrEqual(end);
  });

  it('makes messages visible to pulls only once flushed', async () => {
    const { store } = await openStore({ flushDiskType: 'SYNC' });
    const pending = store.putMessage(testMessage('Vis', 0, 'x'));
    expect(store.maxOffset('Vis', 0)).toBe(0);
    await pending;
    expect(store.maxOffset('Vis', 0)).toBe(1);
  });

  it('answers FLUSH_DISK_TIMEOUT when the disk does not confirm within syncFlushTimeoutMs (the message is kept)', async () => {
    const { store } = await openStore({ flushDiskType: 'SYNC', syncFlushTimeoutMs: 30 });
    const original = SegmentFile.prototype.datasync;
    SegmentFile.prototype.datasync = function slow(this: SegmentFile) {
      return new Promise<void>((resolve) => setTimeout(resolve, 150)).then(() => original.call(this));
    };
    try {
      const put = await store.putMessage(testMessage('Slow', 0, 'x'));
      expect(put.status).toBe('FLUSH_DISK_TIMEOUT');
      expect(put.flushed).toBe(false);
    } finally {
      SegmentFile.prototype.datasync = original;
    }
    const deadline = Date.now() + 2000;
    while (store.maxOffset('Slow', 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(store.maxOffset('Slow', 0)).toBe(1);
  });

  it('does not wait for the disk when the message says WAIT=false', async () => {
    const { store } = await openStore({ flushDiskType: 'SYNC' });
    const put = await store.putMessage({ ...testMessage('NoWait', 0, 'x'), waitStoreMsgOK: false });
    expect(put.status).toBe('PUT_OK');
    expect(put.flushed).toBe(false);
  });
});

describe('ASYNC flush', () => {
  it('acknowledges before the flush and flushes every flushIntervalMs', async () => {
    const { store } = await openStore({ flushDiskType: 'ASYNC', flushIntervalMs: 20 });
    const before = store.stats().commitLog.fsyncCount;
    const put = await store.putMessage(testMessage('Async', 0, 'x'));
    expect(put.flushed).toBe(false);
    const end = put.commitLogOffset + put.size;
    const deadline = Date.now() + 2000;
    while (store.stats().commitLog.flushedOffset < end && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(store.stats().commitLog.flushedOffset).toBe(end);
    expect(store.stats().commitLog.fsyncCount).toBeGreaterThan(before);
  });

  it('writes the checkpoint and removes the abort marker on close', async () => {
    const { store, dir } = await openStore();
    expect(fs.existsSync(path.join(dir, 'abort'))).toBe(true);
    await store.putMessage(testMessage('Close', 0, 'x'));
    await store.close();
    expect(fs.existsSync(path.join(dir, 'abort'))).toBe(false);
    expect(fs.statSync(path.join(dir, 'checkpoint')).size).toBe(4096);
  });
});
