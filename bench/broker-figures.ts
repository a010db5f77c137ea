/**
 * Broker-side figures for the "embedded beside Apache" table: the broker process's memory with a backlog,
 * and send latency under SYNC_FLUSH (every acknowledgement waits for an fdatasync).
 */
import { readFileSync } from 'node:fs';
import { Producer } from '../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../libs/rocketmq/src/protocol/message/message.js';
import { silentLogger } from '../libs/rocketmq/src/logger.js';

export interface ProcessMemory {
  /** Resident set, MiB (for a JVM that maps its commit log, this includes the mapped file pages it touched). */
  rssMiB: number;
  /** Anonymous resident memory, MiB (heap, buffers: what the process holds beyond file pages). */
  anonMiB: number;
}

/** From /proc/<pid>/status (Linux). */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(/^(\S+):\s+(\d+) kB$/m.exec(status.split('\n').find((l) => l.startsWith(`${field}:`)) ?? '')?.[2] ?? NaN);
    return { rssMiB: kib('VmRSS') / 1024, anonMiB: kib('RssAnon') / 1024 };
  } catch {
    return undefined;
  }
}

/** Sends batches of 32 (window 16) until `total` messages of `size` bytes are stored in a fresh topic. */
export async function fillBacklog(nameServer: string, total: number, size: number, progress: (sent: number) => void): Promise<{ topic: string; seconds: number }> {
  const topic = `BenchBacklog_${Date.now().toString(36)}`;
  const producer = new Producer({ nameServer, group: `bench_backlog_${Date.now().toString(36)}`, logger: silentLogger, sendTimeoutMs: 30_000 });
  await producer.start();
  const body = Buffer.alloc(size, 'b');
  const started = performance.now();
  let sent = 0;
  let lastReport = 0;
  try {
    await producer.send(new Message(topic, body));
    sent = 1;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < total) {
          const n = Math.min(32, total - sent);
          sent += n;
          await producer.sendBatch(Array.from({ length: n }, () => new Message(topic, body)));
          if (sent - lastReport >= 100_000) {
            lastReport = sent;
            progress(sent);
          }
        }
      }),
    );
  } finally {
    await producer.shutdown();
  }
  return { topic, seconds: (performance.now() - started) / 1000 };
}

/** Async sends with a window of 128 for `seconds`: the acknowledgement latency a SYNC_FLUSH broker gives. */
export async function syncFlushLatency(nameServer: string, seconds: number, size: number): Promise<{ rate: number; p50: number; p99: number }> {
  const topic = `BenchSyncFlush_${Date.now().toString(36)}`;
  const producer = new Producer({ nameServer, group: `bench_syncflush_${Date.now().toString(36)}`, logger: silentLogger });
  await producer.start();
  const body = Buffer.alloc(size, 's');
  const latencies: number[] = [];
  try {
    for (let i = 0; i < 200; i++) await producer.send(new Message(topic, body));
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: 128 }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          await producer.send(new Message(topic, body));
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    return { rate: latencies.length / elapsed, p50: at(50), p99: at(99) };
  } finally {
    await producer.shutdown();
  }
}
