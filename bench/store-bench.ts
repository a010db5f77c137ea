/**
 * Message-store throughput, memory and start-up figures (libs/broker/src/store).
 * Usage: node --import @swc-node/register/esm-register bench/store-bench.ts [--messages 1000000] [--size 1024]
 *        [--seconds 5] [--window 128] [--queues 8] [--dir /path/on/the/disk/to/test]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { propertiesToString } from '../libs/rocketmq/src/protocol/message/properties.js';
import { MessageStore } from '../libs/broker/src/store/message-store.js';
import type { PutMessageInput } from '../libs/broker/src/store/message-store-types.js';
import type { FlushDiskType } from '../libs/broker/src/store/store-options.js';
import { printTable } from './bench-table.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '1024' },
    seconds: { type: 'string', default: '5' },
    window: { type: 'string', default: '128' },
    queues: { type: 'string', default: '8' },
    dir: { type: 'string' },
  },
});
const MESSAGES = Number(values.messages);
const SIZE = Number(values.size);
const SECONDS = Number(values.seconds);
const WINDOW = Number(values.window);
const QUEUES = Number(values.queues);
const ROOT = values.dir ?? os.tmpdir();
const BORN_HOST = Buffer.from([10, 0, 0, 7, 0, 0, 0x30, 0x39]);
const STORE_HOST = '127.0.0.1:10911';

const body = Buffer.alloc(SIZE, 'x');
let seq = 0;
function message(topic: string): PutMessageInput {
  const n = seq++;
  return {
    topic,
    queueId: n % QUEUES,
    body,
    properties: propertiesToString({ TAGS: 'TagA', KEYS: `order-${n}`, UNIQ_KEY: `7F00000100002A9F0000000000${n.toString(16).padStart(6, '0').toUpperCase()}`, WAIT: 'true' }),
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
  };
}

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(ROOT, `store-bench-${label}-`));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function mib(bytes: number): number {
  return bytes / (1024 * 1024);
}

type Row = (string | number)[];
const rows: Row[] = [];

/** `WINDOW` concurrent put loops for `SECONDS` seconds. */
async function appendRate(flush: FlushDiskType): Promise<void> {
  const dir = tempDir(flush.toLowerCase());
  const store = await MessageStore.open({ storePath: dir, storeHost: STORE_HOST, flushDiskType: flush, cleanResourceIntervalMs: 0 });
  const latencies: number[] = [];
  let count = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const fsyncBefore = store.stats().commitLog.fsyncCount;
  // ASYNC acknowledges once the bytes are handed to the OS: what an OS crash or power loss (not a process crash)
  // could lose is what is written but not yet fdatasync'ed. Sample that window while the load runs.
  const unflushedSamples: number[] = [];
  const sampler = setInterval(() => {
    const { maxOffset, flushedOffset } = store.stats().commitLog;
    unflushedSamples.push(maxOffset - flushedOffset);
  }, 2);
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await store.putMessage(message('BenchAppend'));
        latencies.push(performance.now() - t0);
        count++;
      }
    }),
  );
  clearInterval(sampler);
  const elapsed = (performance.now() - started) / 1000;
  const fsyncs = store.stats().commitLog.fsyncCount - fsyncBefore;
  const recordBytes = store.stats().commitLog.maxOffset / Math.max(1, count);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  rows.push([
    `append ${flush}, ${WINDOW} concurrent puts`,
    Math.round(count / elapsed),
    mib((count * (SIZE + 200)) / elapsed),
    `${percentile(latencies, 50).toFixed(2)} / ${percentile(latencies, 99).toFixed(2)} ms`,
    flush === 'SYNC' ? `${fsyncs} fsyncs (${(count / Math.max(1, fsyncs)).toFixed(1)} msgs each)` : `${fsyncs} fsyncs; ${unflushedWindow(unflushedSamples, recordBytes, count / elapsed)}`,
  ]);
}

/** The acknowledged-but-not-fsynced window (bytes → messages → ms of acknowledgements at the measured rate). */
function unflushedWindow(samples: number[], recordBytes: number, rate: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const describe = (bytes: number) => `${Math.round(bytes / recordBytes)} msgs (${((bytes / recordBytes / rate) * 1000).toFixed(0)} ms)`;
  return `unflushed on power loss: p99 ${describe(percentile(sorted, 99))}, max ${describe(sorted.at(-1) ?? 0)}`;
}

async function backlog(): Promise<void> {
  const dir = tempDir('backlog');
  const options = { storePath: dir, storeHost: STORE_HOST, cleanResourceIntervalMs: 0 };
  const rssBefore = process.memoryUsage().rss;
  let store = await MessageStore.open(options);
  let started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < MESSAGES) {
        next++;
        await store.putMessage(message('BenchBacklog'));
      }
    }),
  );
  let elapsed = (performance.now() - started) / 1000;
  rows.push([`fill backlog: ${MESSAGES.toLocaleString('en-US')} msgs, ${QUEUES} queues (ASYNC)`, Math.round(MESSAGES / elapsed), mib((MESSAGES * (SIZE + 200)) / elapsed), '', '']);
  (globalThis as { gc?: () => void }).gc?.();
  const memBacklog = process.memoryUsage();
  const rssBacklog = memBacklog.rss;

  // read the whole backlog from offset 0, one pull loop per queue (32 messages per pull)
  started = performance.now();
  let read = 0;
  let bytes = 0;
  const pullLatencies: number[] = [];
  await Promise.all(
    Array.from({ length: QUEUES }, async (_, queueId) => {
      let offset = 0;
      for (;;) {
        const t0 = performance.now();
        const got = await store.getMessages({ topic: 'BenchBacklog', queueId, offset, maxCount: 32 });
        pullLatencies.push(performance.now() - t0);
        if (got.status !== 'FOUND') break;
        read += got.records.length;
        for (const r of got.records) bytes += r.length;
        offset = got.nextBeginOffset;
      }
    }),
  );
  elapsed = (performance.now() - started) / 1000;
  pullLatencies.sort((a, b) => a - b);
  rows.push([
    `getMessages over the backlog (${QUEUES} pull loops, 32/pull)`,
    Math.round(read / elapsed),
    mib(bytes / elapsed),
    `${percentile(pullLatencies, 50).toFixed(2)} / ${percentile(pullLatencies, 99).toFixed(2)} ms`,
    `${read.toLocaleString('en-US')} msgs read`,
  ]);
  (globalThis as { gc?: () => void }).gc?.();
  const memAfterRead = process.memoryUsage();
  const rssAfterRead = memAfterRead.rss;
  rows.push([
    'RSS with the backlog',
    '',
    '',
    '',
    `+${mib(rssBacklog - rssBefore).toFixed(0)} MiB after fill, +${mib(rssAfterRead - rssBefore).toFixed(0)} MiB after reading ` +
      `(process ${mib(rssAfterRead).toFixed(0)} MiB incl. ${mib(rssBefore).toFixed(0)} MiB before opening: node + swc loader); ` +
      `heap ${mib(memBacklog.heapUsed).toFixed(0)}/${mib(memAfterRead.heapTotal).toFixed(0)} MiB, buffers ${mib(memAfterRead.arrayBuffers).toFixed(0)} MiB`,
  ]);

  const diskBytes = store.stats().commitLog.bytesOnDisk;
  started = performance.now();
  await store.close();
  const closeMs = performance.now() - started;
  started = performance.now();
  store = await MessageStore.open(options);
  const reopenMs = performance.now() - started;
  rows.push([
    'reopen after clean shutdown',
    '',
    '',
    `${reopenMs.toFixed(1)} ms`,
    `close ${closeMs.toFixed(0)} ms; ${mib(diskBytes).toFixed(0)} MiB commit log, scanned ${store.recovery.scannedBytes} B`,
  ]);

  // crash: write a little more (less than a checkpoint interval), kill, reopen
  for (let i = 0; i < 20_000; i++) void store.putMessage(message('BenchBacklog')).catch(() => {});
  await new Promise((r) => setTimeout(r, 300));
  store.kill();
  await new Promise((r) => setTimeout(r, 100));
  started = performance.now();
  store = await MessageStore.open(options);
  const crashMs = performance.now() - started;
  rows.push([
    'reopen after a crash (kill during writes)',
    '',
    '',
    `${crashMs.toFixed(1)} ms`,
    `re-validated ${mib(store.recovery.scannedBytes).toFixed(1)} MiB, re-dispatched ${store.recovery.redispatched} records`,
  ]);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

await backlog();
await appendRate('ASYNC');
await appendRate('SYNC');
printTable(
  'Message store (libs/broker/src/store)',
  ['scenario', 'msgs/s', 'MiB/s', 'p50 / p99', 'notes'],
  rows,
  [
    `message: ${SIZE} B body + ~200 B headers/properties (TAGS, KEYS, UNIQ_KEY), ${QUEUES} queues; window ${WINDOW}; ${SECONDS} s per append run`,
    `store dir: ${ROOT} (1 GiB commit-log files, 64 MiB write cache, index on)`,
  ],
);
