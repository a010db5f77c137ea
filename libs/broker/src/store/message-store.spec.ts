import fs from 'node:fs';
import path from 'node:path';
import type { MessageStoreOptions } from './store-options.js';
import { afterEach, describe, expect, it } from '@jest/globals';
import { BLANK_MAGIC_CODE, MessageSysFlag, ResponseCode, decodeOffsetMessageId, decodeStoredMessage, tagsCode } from '@app/rocketmq/protocol';
import { MessageStore } from './message-store.js';
import type { DispatchedMessage, PutMessageResult } from './message-store-types.js';
import { MessageIllegalError, StoreUnavailableError } from './store-errors.js';
import { TEST_STORE_HOST, testMessage, testStoreOptions, TestStores } from './test-fixtures.js';

const stores = new TestStores();
const openStore = (overrides: Partial<MessageStoreOptions> = {}) => stores.open(overrides);

afterEach(() => stores.closeAll());

describe('put and get', () => {
  it('stores a message and returns it as a record that decodes with a valid body CRC', async () => {
    const { store } = await openStore();
    const put = await store.putMessage(testMessage('TopicA', 0, 'hello', { tags: 'TagA', keys: 'k1 k2', uniqKey: 'U1' }));
    expect(put).toMatchObject({ status: 'PUT_OK', commitLogOffset: 0, queueOffset: 0 });
    expect(decodeOffsetMessageId(put.msgId)).toMatchObject({ storeHost: TEST_STORE_HOST, commitLogOffset: 0 });

    const got = await store.getMessages({ topic: 'TopicA', queueId: 0, offset: 0, maxCount: 32 });
    expect(got.status).toBe('FOUND');
    expect(got.nextBeginOffset).toBe(1);
    expect(got.records).toHaveLength(1);
    const msg = decodeStoredMessage(got.records[0]!, 0, { verifyBodyCrc: true });
    expect(msg.body.toString()).toBe('hello');
    expect(msg.topic).toBe('TopicA');
    expect(msg.tags).toBe('TagA');
    expect(msg.properties.KEYS).toBe('k1 k2');
    expect(msg.storeHost).toBe(TEST_STORE_HOST);
    expect(msg.queueOffset).toBe(0);
    expect(msg.commitLogOffset).toBe(0);
    expect(msg.storeTimestamp).toBe(put.storeTimestamp);
    expect(msg.offsetMsgId).toBe(put.msgId);
    expect(msg.storeSize).toBe(put.size);
  });

  it('assigns queue offsets per (topic, queueId) and global commit-log offsets', async () => {
    const { store } = await openStore();
    const a0 = await store.putMessage(testMessage('T', 0, 'a0'));
    const b0 = await store.putMessage(testMessage('T', 1, 'b0'));
    const a1 = await store.putMessage(testMessage('T', 0, 'a1'));
    const c0 = await store.putMessage(testMessage('U', 0, 'c0'));
    expect([a0.queueOffset, b0.queueOffset, a1.queueOffset, c0.queueOffset]).toEqual([0, 0, 1, 0]);
    expect(b0.commitLogOffset).toBe(a0.commitLogOffset + a0.size);
    expect(a1.commitLogOffset).toBe(b0.commitLogOffset + b0.size);
    expect(store.maxOffset('T', 0)).toBe(2);
    expect(store.maxOffset('T', 1)).toBe(1);
    expect(store.topics().sort()).toEqual(['T', 'U']);
    expect(store.queueIds('T')).toEqual([0, 1]);
  });

  it('groups concurrent puts: all resolve, offsets are consecutive and every record decodes', async () => {
    const { store } = await openStore();
    const puts = await Promise.all(Array.from({ length: 500 }, (_, i) => store.putMessage(testMessage('G', i % 3, `m${i}`))));
    for (let q = 0; q < 3; q++) {
      const offsets = puts.filter((_, i) => i % 3 === q).map((p) => p.queueOffset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    const got = await store.getMessages({ topic: 'G', queueId: 1, offset: 0, maxCount: 1000, maxBytes: 1 << 20 });
    expect(got.records).toHaveLength(puts.filter((_, i) => i % 3 === 1).length);
    got.records.forEach((r, i) => {
      const m = decodeStoredMessage(r, 0, { verifyBodyCrc: true });
      expect(m.body.toString()).toBe(`m${i * 3 + 1}`);
      expect(m.queueOffset).toBe(i);
    });
  });

  it('rolls to the next commit-log file with an end-of-file blank record; no record spans two files', async () => {
    const { store, dir } = await openStore();
    const body = Buffer.alloc(3000, 7);
    const puts: PutMessageResult[] = [];
    for (let i = 0; i < 60; i++) puts.push(await store.putMessage(testMessage('Roll', 0, body)));
    const files = fs.readdirSync(path.join(dir, 'commitlog')).sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files[0]).toBe('00000000000000000000');
    expect(files[1]).toBe('00000000000000065536');
    for (const p of puts) expect(Math.floor(p.commitLogOffset / 65536)).toBe(Math.floor((p.commitLogOffset + p.size - 1) / 65536));
    // the first file ends with a blank record covering the rest of the file
    const first = fs.readFileSync(path.join(dir, 'commitlog', files[0]!));
    const lastInFirst = puts.filter((p) => p.commitLogOffset < 65536).pop()!;
    const blankAt = lastInFirst.commitLogOffset + lastInFirst.size;
    expect(first.readInt32BE(blankAt + 4)).toBe(BLANK_MAGIC_CODE);
    expect(first.readInt32BE(blankAt)).toBe(65536 - blankAt);
    const next = puts[puts.indexOf(lastInFirst) + 1]!;
    expect(next.commitLogOffset).toBe(65536);

    const got = await store.getMessages({ topic: 'Roll', queueId: 0, offset: 0, maxCount: 100, maxBytes: 1 << 20 });
    expect(got.records).toHaveLength(60);
    got.records.forEach((r, i) => expect(decodeStoredMessage(r, 0, { verifyBodyCrc: true }).commitLogOffset).toBe(puts[i]!.commitLogOffset));
  });

  it('reads records from disk once the write cache has evicted them', async () => {
    const { store } = await openStore({ writeCacheBytes: 64 * 1024, writeChunkBytes: 16 * 1024, maxMessageSize: 4096, commitLogSegmentSize: 1 << 20 });
    const puts = [];
    for (let i = 0; i < 400; i++) puts.push(await store.putMessage(testMessage('Cold', 0, Buffer.alloc(900, i & 0xff))));
    expect(store.stats().commitLog.cachedBytes).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
    const got = await store.getMessages({ topic: 'Cold', queueId: 0, offset: 0, maxCount: 32 });
    expect(got.status).toBe('FOUND');
    expect(got.records).toHaveLength(32);
    got.records.forEach((r, i) => {
      const m = decodeStoredMessage(r, 0, { verifyBodyCrc: true });
      expect(m.queueOffset).toBe(i);
      expect(m.body[0]).toBe(i & 0xff);
    });
    expect(await store.messageAt(puts[3]!.commitLogOffset)).toEqual(got.records[3]);
  });

  it('returns one record by commit-log offset, undefined for offsets that are not records', async () => {
    const { store } = await openStore();
    const a = await store.putMessage(testMessage('V', 0, 'first'));
    const b = await store.putMessage(testMessage('V', 0, 'second'));
    expect(decodeStoredMessage((await store.messageAt(b.commitLogOffset))!).body.toString()).toBe('second');
    expect(decodeStoredMessage((await store.messageAt(a.commitLogOffset))!).body.toString()).toBe('first');
    expect(await store.messageAt(b.commitLogOffset + b.size + 1000)).toBeUndefined();
  });
});

describe('batch put', () => {
  it('stores a batch as consecutive records with consecutive queue offsets in one append', async () => {
    const { store } = await openStore();
    await store.putMessage(testMessage('B', 0, 'before'));
    const res = await store.putMessages(Array.from({ length: 10 }, (_, i) => testMessage('B', 0, `batch-${i}`)));
    expect(res).toMatchObject({ status: 'PUT_OK', queueOffset: 1, count: 10 });
    expect(res.msgIds).toHaveLength(10);
    expect(res.msgId.split(',')).toEqual(res.msgIds);
    const got = await store.getMessages({ topic: 'B', queueId: 0, offset: 1, maxCount: 32 });
    expect(got.records).toHaveLength(10);
    let expectOffset = res.commitLogOffset;
    got.records.forEach((r, i) => {
      const m = decodeStoredMessage(r, 0, { verifyBodyCrc: true });
      expect(m.queueOffset).toBe(1 + i);
      expect(m.commitLogOffset).toBe(expectOffset);
      expect(m.offsetMsgId).toBe(res.msgIds[i]);
      expectOffset += m.storeSize;
    });
    expect(expectOffset - res.commitLogOffset).toBe(res.size);
  });
});

describe('pull statuses', () => {
  it('answers like DefaultMessageStore.getMessage for unknown, empty and out-of-range offsets', async () => {
    const { store } = await openStore();
    expect(await store.getMessages({ topic: 'None', queueId: 0, offset: 5, maxCount: 1 })).toMatchObject({
      status: 'NO_MATCHED_LOGIC_QUEUE',
      nextBeginOffset: 0,
    });
    for (let i = 0; i < 3; i++) await store.putMessage(testMessage('S', 0, `m${i}`));
    expect(await store.getMessages({ topic: 'S', queueId: 0, offset: 3, maxCount: 1 })).toMatchObject({
      status: 'OFFSET_OVERFLOW_ONE',
      nextBeginOffset: 3,
      minOffset: 0,
      maxOffset: 3,
    });
    expect(await store.getMessages({ topic: 'S', queueId: 0, offset: 9, maxCount: 1 })).toMatchObject({
      status: 'OFFSET_OVERFLOW_BADLY',
      nextBeginOffset: 3,
    });
    const one = await store.getMessages({ topic: 'S', queueId: 0, offset: 1, maxCount: 1 });
    expect(one).toMatchObject({ status: 'FOUND', nextBeginOffset: 2, queueOffsets: [1] });
  });

  it('limits by bytes but always returns at least one message', async () => {
    const { store } = await openStore();
    for (let i = 0; i < 5; i++) await store.putMessage(testMessage('L', 0, Buffer.alloc(1000)));
    const got = await store.getMessages({ topic: 'L', queueId: 0, offset: 0, maxCount: 32, maxBytes: 2500 });
    expect(got.records).toHaveLength(2);
    expect(got.nextBeginOffset).toBe(2);
    const tiny = await store.getMessages({ topic: 'L', queueId: 0, offset: 0, maxCount: 32, maxBytes: 100 });
    expect(tiny.records).toHaveLength(1);
  });

  it('filters by tags code; filtered entries are consumed and a fully filtered scan is NO_MATCHED_MESSAGE', async () => {
    const { store } = await openStore();
    for (let i = 0; i < 6; i++) await store.putMessage(testMessage('F', 0, `m${i}`, { tags: i % 2 ? 'odd' : 'even' }));
    const odd = tagsCode('odd');
    const got = await store.getMessages({ topic: 'F', queueId: 0, offset: 0, maxCount: 32, filter: (code) => code === odd });
    expect(got.queueOffsets).toEqual([1, 3, 5]);
    expect(got.nextBeginOffset).toBe(6);
    const none = await store.getMessages({ topic: 'F', queueId: 0, offset: 0, maxCount: 32, filter: () => false });
    expect(none).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 6, records: [] });
    const byRecord = await store.getMessages({
      topic: 'F',
      queueId: 0,
      offset: 0,
      maxCount: 32,
      recordFilter: (r) => decodeStoredMessage(r).body.toString() === 'm4',
    });
    expect(byRecord.queueOffsets).toEqual([4]);
  });
});

describe('dispatch', () => {
  it('notifies listeners when a message enters its consume queue', async () => {
    const { store } = await openStore();
    const seen: DispatchedMessage[] = [];
    const off = store.onDispatched((m) => seen.push(m));
    await store.putMessage(testMessage('D', 2, 'x', { tags: 'T' }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ topic: 'D', queueId: 2, queueOffset: 0, tagsCode: tagsCode('T') });
    expect(store.maxOffset('D', 2)).toBe(1);
    off();
    await store.putMessage(testMessage('D', 2, 'y'));
    expect(seen).toHaveLength(1);
  });

  it('keeps prepared and rollback transaction records out of consume queues (queue offset 0)', async () => {
    const { store } = await openStore();
    const prepared = await store.putMessage(testMessage('Tx', 0, 'half', { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    expect(prepared.queueOffset).toBe(0);
    expect(store.maxOffset('Tx', 0)).toBe(0);
    const committed = await store.putMessage(testMessage('Tx', 0, 'commit', { sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE }));
    expect(committed.queueOffset).toBe(0);
    expect(store.maxOffset('Tx', 0)).toBe(1);
    expect(decodeStoredMessage((await store.messageAt(prepared.commitLogOffset))!).body.toString()).toBe('half');
  });

  it('deletes a topic: its queues are gone and a new put starts over at offset 0', async () => {
    const { store, dir } = await openStore();
    await store.putMessage(testMessage('Del', 0, 'x'));
    await store.runCheckpoint();
    expect(fs.existsSync(path.join(dir, 'consumequeue', 'Del'))).toBe(true);
    expect(store.deleteTopic('Del')).toBe(true);
    expect(store.topics()).not.toContain('Del');
    expect(fs.existsSync(path.join(dir, 'consumequeue', 'Del'))).toBe(false);
    expect((await store.getMessages({ topic: 'Del', queueId: 0, offset: 0, maxCount: 1 })).status).toBe('NO_MATCHED_LOGIC_QUEUE');
    expect((await store.putMessage(testMessage('Del', 0, 'again'))).queueOffset).toBe(0);
  });
});

describe('limits and errors', () => {
  it('refuses a body over maxMessageSize with MESSAGE_ILLEGAL', async () => {
    const { store } = await openStore({ maxMessageSize: 1024 });
    const err = await store.putMessage(testMessage('Big', 0, Buffer.alloc(1025))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessageIllegalError);
    expect((err as MessageIllegalError).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((err as MessageIllegalError).reason).toBe('MESSAGE_SIZE_EXCEEDED');
    // nothing was appended and the queue offset was not consumed
    expect((await store.putMessage(testMessage('Big', 0, Buffer.alloc(1024)))).queueOffset).toBe(0);
  });

  it('refuses oversized properties and unsafe topic names with MESSAGE_ILLEGAL', async () => {
    const { store } = await openStore();
    const props = await store.putMessage(testMessage('P', 0, 'x', { extra: { big: 'v'.repeat(40000) } })).catch((e: unknown) => e);
    expect(props).toBeInstanceOf(MessageIllegalError);
    expect((props as MessageIllegalError).reason).toBe('PROPERTIES_SIZE_EXCEEDED');
    await expect(store.putMessage(testMessage('../x', 0, 'x'))).rejects.toBeInstanceOf(MessageIllegalError);
    await expect(store.putMessage(testMessage('', 0, 'x'))).rejects.toBeInstanceOf(MessageIllegalError);
  });

  it('refuses puts after close with SERVICE_NOT_AVAILABLE', async () => {
    const { store } = await openStore();
    await store.close();
    const err = await store.putMessage(testMessage('C', 0, 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
  });

  it('refuses to open a directory another store has open', async () => {
    const { dir } = await openStore();
    await expect(MessageStore.open(testStoreOptions(dir))).rejects.toThrow(/already open/);
  });
});
