import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { decodeStoredMessage, tagsCode } from '@app/rocketmq/protocol';
import { MessageStore } from './message-store.js';
import type { MessageStoreOptions } from './store-options.js';
import { testMessage, TestStores } from './test-fixtures.js';

const stores = new TestStores();
const openStore = (overrides: Partial<MessageStoreOptions> = {}) => stores.open(overrides);

afterEach(() => stores.closeAll());

describe('consume queue files', () => {
  it('writes 20-byte entries into files of N units named by their byte offset', async () => {
    const { store, dir } = await openStore({ consumeQueueUnitsPerFile: 10 });
    const puts = [];
    for (let i = 0; i < 25; i++) puts.push(await store.putMessage(testMessage('CQ', 3, `m${i}`, { tags: 'TagA' })));
    await store.runCheckpoint();
    const qdir = path.join(dir, 'consumequeue', 'CQ', '3');
    expect(fs.readdirSync(qdir).sort()).toEqual(['00000000000000000000', '00000000000000000200', '00000000000000000400']);
    const first = fs.readFileSync(path.join(qdir, '00000000000000000000'));
    expect(first.length).toBe(200);
    expect(Number(first.readBigInt64BE(20))).toBe(puts[1]!.commitLogOffset);
    expect(first.readInt32BE(28)).toBe(puts[1]!.size);
    expect(Number(first.readBigInt64BE(32))).toBe(tagsCode('TagA'));
    expect(await store.lookup('CQ', 3, 24)).toEqual({ queueOffset: 24, commitLogOffset: puts[24]!.commitLogOffset, size: puts[24]!.size, tagsCode: tagsCode('TagA') });
  });

  it('reads across consume-queue file boundaries, from memory and from the files', async () => {
    const { store } = await openStore({ consumeQueueUnitsPerFile: 10, consumeQueueCacheUnits: 8 });
    for (let i = 0; i < 45; i++) await store.putMessage(testMessage('CQ', 0, `m${i}`));
    await store.runCheckpoint();
    const seen: number[] = [];
    let offset = 0;
    while (offset < 45) {
      const got = await store.getMessages({ topic: 'CQ', queueId: 0, offset, maxCount: 7 });
      expect(got.status).toBe('FOUND');
      for (const r of got.records) seen.push(decodeStoredMessage(r).queueOffset);
      offset = got.nextBeginOffset;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i));
  });
});

describe('search by store timestamp', () => {
  it('finds the first message at or after a time (LOWER) and the last at or before it (UPPER)', async () => {
    let clock = 1_000;
    const { store } = await openStore({ now: () => clock });
    for (const t of [1000, 1000, 2000, 3000, 3000, 5000]) {
      clock = t;
      await store.putMessage(testMessage('Time', 0, `at-${t}`));
    }
    expect(await store.offsetByTime('Time', 0, 3000)).toBe(3);
    expect(await store.offsetByTime('Time', 0, 2500)).toBe(3);
    expect(await store.offsetByTime('Time', 0, 0)).toBe(0);
    expect(await store.offsetByTime('Time', 0, 6000)).toBe(6);
    expect(await store.offsetByTime('Time', 0, 3000, 'UPPER')).toBe(4);
    expect(await store.offsetByTime('Time', 0, 2500, 'UPPER')).toBe(2);
    expect(await store.offsetByTime('Time', 0, 500, 'UPPER')).toBe(0);
    expect(await store.offsetByTime('Time', 0, 9000, 'UPPER')).toBe(5);
    expect(await store.offsetByTime('Missing', 0, 1000)).toBe(0);
    expect(await store.earliestMessageTime('Time', 0)).toBe(1000);
    expect(await store.messageStoreTime('Time', 0, 5)).toBe(5000);
  });

  it('searches a long queue with a binary search over records on disk', async () => {
    let clock = 10_000;
    const { store } = await openStore({ now: () => clock, writeCacheBytes: 32 * 1024, maxMessageSize: 4096, writeChunkBytes: 8192 });
    for (let i = 0; i < 1000; i++) {
      clock = 10_000 + i * 10;
      await store.putMessage(testMessage('Long', 0, Buffer.alloc(200)));
    }
    expect(await store.offsetByTime('Long', 0, 10_000 + 437 * 10)).toBe(437);
    expect(await store.offsetByTime('Long', 0, 10_000 + 437 * 10 + 5)).toBe(438);
    expect(await store.offsetByTime('Long', 0, 10_000 + 437 * 10 + 5, 'UPPER')).toBe(437);
  });
});
