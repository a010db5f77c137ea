import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { decodeStoredMessage } from '@app/rocketmq/protocol';
import { MessageStore } from './message-store.js';
import type { PutMessageResult } from './message-store-types.js';
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
  for (const s of stores.splice(0)) {
    if (s.isOpen) await s.close();
  }
  for (const d of dirs.splice(0)) removeDir(d);
});

async function readQueue(store: MessageStore, topic: string, queueId: number): Promise<{ queueOffsets: number[]; bodies: string[] }> {
  const queueOffsets: number[] = [];
  const bodies: string[] = [];
  let offset = store.minOffset(topic, queueId);
  for (;;) {
    const got = await store.getMessages({ topic, queueId, offset, maxCount: 64, maxBytes: 1 << 20 });
    if (got.status !== 'FOUND') break;
    for (const r of got.records) {
      const m = decodeStoredMessage(r, 0, { verifyBodyCrc: true });
      queueOffsets.push(m.queueOffset);
      bodies.push(m.body.toString());
    }
    offset = got.nextBeginOffset;
  }
  return { queueOffsets, bodies };
}

/** Puts `n` messages round-robin over 2 queues with keys; returns the results in order. */
async function fill(store: MessageStore, n: number, from = 0): Promise<PutMessageResult[]> {
  const out: PutMessageResult[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(await store.putMessage(testMessage('R', i % 2, `body-${i}-${'x'.repeat(700)}`, { keys: `key-${i}`, uniqKey: `UNIQ${i}` })));
  }
  return out;
}

function lastFile(dir: string): string {
  const files = fs.readdirSync(path.join(dir, 'commitlog')).sort();
  return path.join(dir, 'commitlog', files[files.length - 1]!);
}

type Damage = (file: string, last: PutMessageResult) => void;

const damages: Array<[string, Damage]> = [
  [
    'a record cut in the middle',
    (file, last) => fs.truncateSync(file, (last.commitLogOffset % (64 * 1024)) + Math.floor(last.size / 2)),
  ],
  [
    'garbage after the last record',
    (file) => fs.appendFileSync(file, Buffer.from('this is not a commit-log record at all, just noise'.repeat(3))),
  ],
  [
    'a flipped byte in the last record body (CRC mismatch)',
    (file, last) => {
      const fd = fs.openSync(file, 'r+');
      const pos = (last.commitLogOffset % (64 * 1024)) + last.size - 200;
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, pos);
      b[0] = b[0]! ^ 0xff;
      fs.writeSync(fd, b, 0, 1, pos);
      fs.closeSync(fd);
    },
  ],
];

describe('crash recovery', () => {
  for (const [name, damage] of damages) {
    it(`drops ${name}, keeps every earlier message once, and appends at the cut`, async () => {
      const dir = newDir();
      const store = await open(dir);
      const puts = await fill(store, 150);
      const last = puts[puts.length - 1]!;
      store.kill();
      await settle();
      damage(lastFile(dir), last);
      expect(fs.existsSync(path.join(dir, 'abort'))).toBe(true);

      const reopened = await open(dir);
      const info = reopened.recovery;
      expect(info.mode).toBe('crash');
      const tornIsGarbageOnly = name.startsWith('garbage');
      const expectedEnd = tornIsGarbageOnly ? last.commitLogOffset + last.size : last.commitLogOffset;
      expect(reopened.stats().commitLog.maxOffset).toBe(expectedEnd);
      expect(info.truncatedAt).toBe(expectedEnd);

      const survivors = tornIsGarbageOnly ? puts : puts.slice(0, -1);
      for (const q of [0, 1]) {
        const mine = survivors.filter((_, i) => i % 2 === q);
        const { queueOffsets, bodies } = await readQueue(reopened, 'R', q);
        expect(queueOffsets).toEqual(mine.map((_, i) => i));
        expect(bodies).toEqual(mine.map((p) => `body-${puts.indexOf(p)}-${'x'.repeat(700)}`));
        expect(reopened.maxOffset('R', q)).toBe(mine.length);
      }

      // the lost message's key is gone from the index, the others are found
      expect((await reopened.queryByKey('R', 'key-10')).records).toHaveLength(1);
      expect((await reopened.queryByUniqueKey('R', 'UNIQ148')).records).toHaveLength(1);
      expect((await reopened.queryByKey('R', 'key-149')).records).toHaveLength(tornIsGarbageOnly ? 1 : 0);

      const next = await reopened.putMessage(testMessage('R', 149 % 2, 'after-crash'));
      expect(next.commitLogOffset).toBe(expectedEnd);
      expect(next.queueOffset).toBe(survivors.filter((_, i) => i % 2 === 149 % 2).length);
      const again = await readQueue(reopened, 'R', 149 % 2);
      expect(again.bodies[again.bodies.length - 1]).toBe('after-crash');
    });
  }

  it('rebuilds consume-queue entries that never reached their files', async () => {
    const dir = newDir();
    const store = await open(dir);
    const puts = await fill(store, 40);
    store.kill();
    await settle();
    fs.rmSync(path.join(dir, 'consumequeue'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'checkpoint'));
    const reopened = await open(dir);
    expect(reopened.recovery.mode).toBe('crash');
    expect(reopened.recovery.redispatched).toBe(40);
    expect((await readQueue(reopened, 'R', 0)).queueOffsets).toEqual(puts.filter((_, i) => i % 2 === 0).map((_, i) => i));
  });

  it('re-validates only the tail written after the last checkpoint', async () => {
    const dir = newDir();
    const store = await open(dir, { commitLogSegmentSize: 1 << 20 });
    await fill(store, 300);
    await store.runCheckpoint();
    await fill(store, 5, 300);
    store.kill();
    await settle();
    const reopened = await open(dir, { commitLogSegmentSize: 1 << 20 });
    expect(reopened.recovery.mode).toBe('crash');
    expect(reopened.recovery.truncatedAt).toBeUndefined();
    expect(reopened.recovery.scannedBytes).toBeLessThan(5 * 1024);
    expect(reopened.maxOffset('R', 0) + reopened.maxOffset('R', 1)).toBe(305);
  });

  it('survives a torn record at the end of a full file followed by an empty next file', async () => {
    const dir = newDir();
    const store = await open(dir);
    const puts = await fill(store, 200);
    store.kill();
    await settle();
    // tear the last record of the first file and leave its blank record out: the later files must go too
    const firstFileLast = puts.filter((p) => p.commitLogOffset < 64 * 1024).pop()!;
    fs.truncateSync(path.join(dir, 'commitlog', '00000000000000000000'), firstFileLast.commitLogOffset + 10);
    const reopened = await open(dir);
    expect(reopened.stats().commitLog.maxOffset).toBe(firstFileLast.commitLogOffset);
    expect(reopened.stats().commitLog.segments).toBe(1);
    const kept = puts.indexOf(firstFileLast);
    expect(reopened.maxOffset('R', 0) + reopened.maxOffset('R', 1)).toBe(kept);
    const next = await reopened.putMessage(testMessage('R', 0, 'x'));
    expect(next.commitLogOffset).toBe(firstFileLast.commitLogOffset);
  });
});

describe('clean restart', () => {
  it('starts without reading the commit log and continues every offset', async () => {
    const dir = newDir();
    const store = await open(dir);
    const puts = await fill(store, 120);
    await store.close();
    expect(fs.existsSync(path.join(dir, 'abort'))).toBe(false);

    const started = performance.now();
    const reopened = await open(dir);
    const elapsed = performance.now() - started;
    expect(reopened.recovery).toMatchObject({ mode: 'clean', scannedBytes: 0, redispatched: 0 });
    expect(elapsed).toBeLessThan(200);
    const last = puts[puts.length - 1]!;
    expect(reopened.stats().commitLog.maxOffset).toBe(last.commitLogOffset + last.size);
    expect(reopened.maxOffset('R', 0)).toBe(60);
    const next = await reopened.putMessage(testMessage('R', 0, 'next'));
    expect(next.queueOffset).toBe(60);
    expect(next.commitLogOffset).toBe(last.commitLogOffset + last.size);
    expect((await reopened.queryByKey('R', 'key-7')).records).toHaveLength(1);
    expect((await readQueue(reopened, 'R', 1)).queueOffsets).toHaveLength(60);
  });

  it('rebuilds a missing index from the commit log', async () => {
    const dir = newDir();
    const store = await open(dir);
    await fill(store, 50);
    await store.close();
    fs.rmSync(path.join(dir, 'index'), { recursive: true });
    const reopened = await open(dir);
    expect(reopened.recovery.redispatched).toBe(50);
    expect((await reopened.queryByKey('R', 'key-33')).records).toHaveLength(1);
    expect((await reopened.queryByUniqueKey('R', 'UNIQ3')).records).toHaveLength(1);
  });

  it('recovers again after a crash that follows a clean restart', async () => {
    const dir = newDir();
    const first = await open(dir);
    await fill(first, 30);
    await first.close();
    const second = await open(dir);
    await fill(second, 30, 30);
    second.kill();
    await settle();
    const third = await open(dir);
    expect(third.recovery.mode).toBe('crash');
    expect((await readQueue(third, 'R', 0)).queueOffsets).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect((await third.queryByKey('R', 'key-59')).records).toHaveLength(1);
    expect((await third.queryByKey('R', 'key-1')).records).toHaveLength(1);
  });
});
