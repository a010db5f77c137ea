import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { decodeStoredMessage } from '@app/rocketmq/protocol';
import { MessageStore } from './message-store.js';
import type { MessageStoreOptions } from './store-options.js';
import { removeDir, settle, tempStoreDir, testMessage, testStoreOptions } from './test-fixtures.js';

const dirs: string[] = [];
const stores: MessageStore[] = [];

async function open(dir: string, overrides: Partial<MessageStoreOptions> = {}): Promise<MessageStore> {
  const store = await MessageStore.open(testStoreOptions(dir, overrides));
  stores.push(store);
  return store;
}

function newDir(): string {
  const dir = tempStoreDir();
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const s of stores.splice(0)) if (s.isOpen) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('key index', () => {
  it('finds messages by each of their KEYS and by UNIQ_KEY, only in their topic', async () => {
    const store = await open(newDir());
    const a = await store.putMessage(testMessage('Orders', 0, 'a', { keys: 'order-1 customer-9', uniqKey: 'AAAA' }));
    await store.putMessage(testMessage('Orders', 1, 'b', { keys: 'order-2', uniqKey: 'BBBB' }));
    await store.putMessage(testMessage('Other', 0, 'c', { keys: 'order-1', uniqKey: 'CCCC' }));

    const byKey = await store.queryByKey('Orders', 'order-1');
    expect(byKey.commitLogOffsets).toEqual([a.commitLogOffset]);
    expect(decodeStoredMessage(byKey.records[0]!).body.toString()).toBe('a');
    expect((await store.queryByKey('Orders', 'customer-9')).commitLogOffsets).toEqual([a.commitLogOffset]);
    expect((await store.queryByUniqueKey('Orders', 'AAAA')).commitLogOffsets).toEqual([a.commitLogOffset]);
    expect((await store.queryByUniqueKey('Orders', 'CCCC')).records).toHaveLength(0);
    expect((await store.queryByKey('Orders', 'nope')).records).toHaveLength(0);
    expect(byKey.indexLastUpdatePhyoffset).toBe(store.stats().commitLog.maxOffset);
  });

  it('honours the time window and maxNum, newest first', async () => {
    let clock = 100_000;
    const store = await open(newDir(), { now: () => clock });
    const puts = [];
    for (let i = 0; i < 10; i++) {
      clock = 100_000 + i * 1000;
      puts.push(await store.putMessage(testMessage('W', 0, `m${i}`, { keys: 'same' })));
    }
    const window = await store.queryByKey('W', 'same', 32, 103_000, 105_000);
    expect(window.commitLogOffsets).toEqual([puts[5]!.commitLogOffset, puts[4]!.commitLogOffset, puts[3]!.commitLogOffset]);
    const limited = await store.queryByKey('W', 'same', 2);
    expect(limited.commitLogOffsets).toEqual([puts[9]!.commitLogOffset, puts[8]!.commitLogOffset]);
  });

  it('keeps exact answers when many keys share hash slots, across several index files', async () => {
    const dir = newDir();
    const store = await open(dir, { maxHashSlotNum: 4, maxIndexNum: 50 });
    const puts = [];
    for (let i = 0; i < 120; i++) puts.push(await store.putMessage(testMessage('H', 0, `m${i}`, { keys: `k${i}`, uniqKey: `U${i}` })));
    await settle(20);
    expect(store.stats().indexFiles).toBeGreaterThan(3);
    for (const i of [0, 17, 64, 119]) {
      expect((await store.queryByKey('H', `k${i}`)).commitLogOffsets).toEqual([puts[i]!.commitLogOffset]);
      expect((await store.queryByUniqueKey('H', `U${i}`)).commitLogOffsets).toEqual([puts[i]!.commitLogOffset]);
    }
    await store.close();
    const reopened = await open(dir, { maxHashSlotNum: 4, maxIndexNum: 50 });
    expect(reopened.recovery.mode).toBe('clean');
    for (const i of [3, 70, 118]) expect((await reopened.queryByKey('H', `k${i}`)).commitLogOffsets).toEqual([puts[i]!.commitLogOffset]);
    const next = await reopened.putMessage(testMessage('H', 0, 'late', { keys: 'k3' }));
    expect((await reopened.queryByKey('H', 'k3')).commitLogOffsets).toEqual([next.commitLogOffset, puts[3]!.commitLogOffset]);
  });

  it('rebuilds the slot table of the file being filled after a crash', async () => {
    const dir = newDir();
    const store = await open(dir);
    for (let i = 0; i < 30; i++) await store.putMessage(testMessage('X', 0, `m${i}`, { keys: `k${i}` }));
    await store.runCheckpoint();
    for (let i = 30; i < 40; i++) await store.putMessage(testMessage('X', 0, `m${i}`, { keys: `k${i}` }));
    store.kill();
    await settle();
    expect(fs.readdirSync(path.join(dir, 'index'))).toHaveLength(1);
    const reopened = await open(dir);
    expect(reopened.recovery.mode).toBe('crash');
    for (const i of [0, 29, 30, 39]) expect((await reopened.queryByKey('X', `k${i}`)).records).toHaveLength(1);
  });
});
