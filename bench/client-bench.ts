/**
 * Client throughput and latency against a RocketMQ cluster (Apache RocketMQ or the embedded broker).
 * Usage: npm run bench -- [--namesrv host:port] [--seconds 5] [--size 1024]
 * Without --namesrv it starts Apache RocketMQ from Maven Central (see test/interop/support).
 */
import { parseArgs } from 'node:util';
import { Producer } from '../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../libs/rocketmq/src/protocol/message/message.js';
import { silentLogger } from '../libs/rocketmq/src/logger.js';
import { printTable } from './bench-table.js';

export interface BenchContext {
  nameServer: string;
  seconds: number;
  size: number;
  label: string;
}

export interface BenchRow {
  scenario: string;
  messages: number;
  seconds: number;
  rate: number;
  p50?: number;
  p99?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(
  seconds: number,
  window: number,
  sendOne: () => Promise<number>,
): Promise<{ count: number; elapsed: number; latencies: number[] }> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const latencies: number[] = [];
  let count = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const sent = await sendOne(); // not `count += await`: that would read count before the await
      count += sent;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  latencies.sort((a, b) => a - b);
  return { count, elapsed: (performance.now() - started) / 1000, latencies };
}

export async function producerBench(ctx: BenchContext): Promise<BenchRow[]> {
  const topic = `BenchTopic_${Date.now().toString(36)}`;
  const producer = new Producer({ nameServer: ctx.nameServer, group: `bench_pg_${Date.now().toString(36)}`, logger: silentLogger });
  await producer.start();
  const body = Buffer.alloc(ctx.size, 'x');
  const rows: BenchRow[] = [];
  try {
    // Warm up: creates the topic through TBW102 and opens the connection.
    for (let i = 0; i < 200; i++) await producer.send(new Message(topic, body));

    const sync = await timed(ctx.seconds, 1, async () => (await producer.send(new Message(topic, body)), 1));
    rows.push(row('sync send, 1 in flight', sync));

    const windowed = await timed(ctx.seconds, 128, async () => (await producer.send(new Message(topic, body)), 1));
    rows.push(row('async send, window 128', windowed));

    const batched = await timed(ctx.seconds, 16, async () => {
      const batch = Array.from({ length: 32 }, () => new Message(topic, body));
      await producer.sendBatch(batch);
      return 32;
    });
    rows.push(row('batch of 32, window 16', batched));
  } finally {
    await producer.shutdown();
  }
  return rows;
}

function row(scenario: string, r: { count: number; elapsed: number; latencies: number[] }): BenchRow {
  return {
    scenario,
    messages: r.count,
    seconds: r.elapsed,
    rate: r.count / r.elapsed,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
  };
}

export function printRows(title: string, ctx: BenchContext, rows: BenchRow[]): void {
  printTable(
    title,
    ['scenario', 'messages', 'seconds', 'msg/s', 'call p50 ms', 'call p99 ms'],
    rows.map((r) => [r.scenario, r.messages, r.seconds, Math.round(r.rate), r.p50 ?? '-', r.p99 ?? '-']),
    [`target: ${ctx.label} at ${ctx.nameServer}; message size ${ctx.size} B; async flush`],
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      namesrv: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      size: { type: 'string', default: '1024' },
      version: { type: 'string', default: '5.5.1' },
    },
  });
  let nameServer = values.namesrv;
  let stop: (() => Promise<void>) | undefined;
  let label = 'given cluster';
  if (!nameServer) {
    const { startApacheRocketMQ } = await import('../test/interop/support/apache-rocketmq.js');
    process.stdout.write(`starting Apache RocketMQ ${values.version} ...\n`);
    const cluster = await startApacheRocketMQ({ version: values.version! });
    nameServer = cluster.namesrvAddr as string;
    stop = () => cluster.stop();
    label = `Apache RocketMQ ${values.version}`;
  }
  const ctx: BenchContext = { nameServer, seconds: Number(values.seconds), size: Number(values.size), label };
  try {
    const rows = await producerBench(ctx);
    printRows('Producer throughput (our client)', ctx, rows);
  } finally {
    await stop?.();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
