import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../logger.js';
import { decodeOffsetFile, LocalFileOffsetStore, localOffsetFilePath } from './local-file-offset-store.js';

const mq = (queueId: number) => ({ topic: 'T', brokerName: 'broker-a', queueId });
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'offsets-'));

describe('LocalFileOffsetStore', () => {
  it('keeps offsets in <dir>/<clientId>/<group>/offsets.json and reads them back', async () => {
    const dir = tmp();
    const store = new LocalFileOffsetStore('10.0.0.1@x', 'g1', silentLogger, dir);
    store.updateOffset(mq(0), 5, false);
    store.updateOffset(mq(1), 9, false);
    await store.persistAll([mq(0), mq(1)]);
    expect(store.file).toBe(localOffsetFilePath(dir, '10.0.0.1@x', 'g1'));
    const again = new LocalFileOffsetStore('10.0.0.1@x', 'g1', silentLogger, dir);
    await again.load();
    expect(again.memoryOffset(mq(0))).toBe(5);
    expect(await again.readOffset(mq(1), 'STORE')).toBe(9);
    expect(await again.readOffset(mq(2), 'STORE')).toBe(-1);
  });

  it('writes Java OffsetSerializeWrapper JSON with queue objects as keys', async () => {
    const dir = tmp();
    const store = new LocalFileOffsetStore('c', 'g', silentLogger, dir);
    store.updateOffset(mq(0), 3, false);
    await store.persistAll([mq(0)]);
    expect(readFileSync(store.file, 'utf8')).toBe('{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:3}}');
  });

  it('reads the file a Java client wrote', () => {
    const offsets = decodeOffsetFile('{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:42,{"brokerName":"b","queueId":0,"topic":"T"}:7}}');
    expect(offsets.get({ topic: 'T', brokerName: 'b', queueId: 1 })).toBe(42);
    expect(offsets.get({ topic: 'T', brokerName: 'b', queueId: 0 })).toBe(7);
  });

  it('falls back to the .bak copy when the file is corrupt', async () => {
    const dir = tmp();
    const file = localOffsetFilePath(dir, 'c', 'g');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"offsetTable":');
    writeFileSync(`${file}.bak`, '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:11}}');
    const store = new LocalFileOffsetStore('c', 'g', silentLogger, dir);
    await store.load();
    expect(store.memoryOffset(mq(0))).toBe(11);
  });

  it('never moves an offset back with increaseOnly', () => {
    const store = new LocalFileOffsetStore('c', 'g', silentLogger, tmp());
    store.updateOffset(mq(0), 10, true);
    store.updateOffset(mq(0), 4, true);
    expect(store.memoryOffset(mq(0))).toBe(10);
    store.updateOffset(mq(0), 4, false);
    expect(store.memoryOffset(mq(0))).toBe(4);
  });
});
