/**
 * Client throughput and latency against a RocketMQ cluster (Apache RocketMQ or the embedded broker), the official
 * Java client's figures in the same run, and the broker-side figures (RSS with a 1M backlog, SYNC_FLUSH latency)
 * of the embedded broker beside Apache's.
 * Usage: npm run bench -- [--target apache,embedded] [--namesrv host:port] [--seconds 5] [--size 1024]
 *        [--rate 5000] [--backlog 1000000] [--version 5.5.1]
 * Without --namesrv it starts Apache RocketMQ from Maven Central (see test/interop/support) and the embedded broker.
 */
import { parseArgs } from 'node:util';
import { Producer } from '../libs/rocketmq/src/client/producer/producer.js';
import { PushConsumer } from '../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Message } from '../libs/rocketmq/src/protocol/message/message.js';
import { silentLogger } from '../libs/rocketmq/src/logger.js';
import { printTable } from './bench-table.js';
import { fillBacklog, processMemory, syncFlushLatency, type ProcessMemory } from './broker-figures.js';

/** One target's figures for the closing "embedded beside Apache" table. */
interface BrokerSummary {
  label: string;
  readyMs: number;
  windowed?: BenchRow;
  latency?: BenchRow;
  backlogMemory?: ProcessMemory;
  syncFlush?: { rate: number; p50: number; p99: number };
}

/** Starts one target's broker; `syncFlush` switches the broker to SYNC_FLUSH. */
async function startTarget(target: string, version: string, syncFlush: boolean): Promise<{ nameServer: string; brokerPid: number; label: string; stop: () => Promise<void> }> {
  if (target === 'apache') {
    const { startApacheRocketMQ } = await import('../test/interop/support/apache-rocketmq.js');
    const cluster = await startApacheRocketMQ({
      version,
      brokers: [{ brokerName: 'broker-a', extraConf: syncFlush ? { flushDiskType: 'SYNC_FLUSH' } : {} }],
    });
    return { nameServer: cluster.namesrvAddr, brokerPid: cluster.brokers[0]!.pid, label: `Apache RocketMQ ${version}`, stop: () => cluster.stop() };
  }
  const { EmbeddedRocketMQ } = await import('../libs/broker/src/index.js');
  const mq = await EmbeddedRocketMQ.start({ inWorker: true, brokerConfig: syncFlush ? { flushDiskType: 'SYNC_FLUSH' } : {} });
  return { nameServer: mq.nameServer, brokerPid: mq.pid, label: 'embedded RocketMQ (own process)', stop: () => mq.stop() };
}

function printSummary(summaries: BrokerSummary[], backlog: number): void {
  const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '-' : n.toFixed(digits));
  const metric = (name: string, value: (s: BrokerSummary) => string) => [name, ...summaries.map(value)];
  printTable(
    'Embedded broker beside Apache RocketMQ (same client, same load)',
    ['metric', ...summaries.map((s) => s.label)],
    [
      metric('start → ready, ms (broker in its own process)', (s) => fmt(s.readyMs)),
      metric('async send, window 128, msg/s (ASYNC_FLUSH)', (s) => fmt(s.windowed?.rate)),
      metric('  p99 ms', (s) => fmt(s.windowed?.p99, 1)),
      metric('SYNC_FLUSH, window 128, msg/s', (s) => fmt(s.syncFlush?.rate)),
      metric('  p50 / p99 ms', (s) => (s.syncFlush ? `${s.syncFlush.p50.toFixed(1)} / ${s.syncFlush.p99.toFixed(1)}` : '-')),
      metric('end-to-end p50 / p99 ms', (s) => (s.latency ? `${s.latency.p50} / ${s.latency.p99}` : '-')),
      metric(`broker RSS with ${backlog.toLocaleString('en-US')} backlog, MiB`, (s) => fmt(s.backlogMemory?.rssMiB)),
      metric('  of which anonymous (heap, buffers), MiB', (s) => fmt(s.backlogMemory?.anonMiB)),
    ],
    ['RSS of a JVM broker includes the commit-log pages it maps; the anonymous part is its heap and direct buffers.'],
  );
}

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

export async function producerBench(ctx: BenchContext): Promise<{ rows: BenchRow[]; topic: string; backlog: number }> {
  const topic = `BenchTopic_${Date.now().toString(36)}`;
  const producer = new Producer({ nameServer: ctx.nameServer, group: `bench_pg_${Date.now().toString(36)}`, logger: silentLogger });
  await producer.start();
  const body = Buffer.alloc(ctx.size, 'x');
  const rows: BenchRow[] = [];
  let warmedUp = 0;
  try {
    // Warm up: creates the topic through TBW102, opens the connection, and gives the broker's JIT (a JVM's, or
    // Node's in the embedded broker) and ours the same start as the Java client, which runs after us on a warm broker.
    for (let i = 0; i < 2000; i++) await producer.send(new Message(topic, body));
    warmedUp = 2000 + (await timed(2, 128, async () => (await producer.send(new Message(topic, body)), 1))).count;

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
  return { rows, topic, backlog: warmedUp + rows.reduce((n, r) => n + r.messages, 0) };
}

/** Drains the backlog the send phases left with one push consumer; reports its rate. */
export async function drainBench(ctx: BenchContext, topic: string, backlog: number): Promise<BenchRow> {
  let received = 0;
  const consumer = new PushConsumer({
    nameServer: ctx.nameServer,
    group: `bench_drain_${Date.now().toString(36)}`,
    logger: silentLogger,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeConcurrency: 64,
    pullBatchSize: 32,
  })
    .subscribe(topic)
    .onMessage(() => {
      received += 1;
    });
  const started = performance.now();
  await consumer.start();
  const deadline = started + Math.max(30_000, ctx.seconds * 6000);
  while (received < backlog && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - started) / 1000;
  await consumer.shutdown({ drainTimeoutMs: 2000 });
  return { scenario: `consumer drain of ${backlog.toLocaleString('en-US')} backlog`, messages: received, seconds: elapsed, rate: received / elapsed };
}

/** Sends at a fixed rate to a topic a consumer already reads; reports store-to-handler latency. */
export async function latencyBench(ctx: BenchContext, ratePerSecond: number): Promise<BenchRow> {
  const topic = `BenchLatency_${Date.now().toString(36)}`;
  const producer = new Producer({ nameServer: ctx.nameServer, group: `bench_lat_pg_${Date.now().toString(36)}`, logger: silentLogger });
  await producer.start();
  const body = Buffer.alloc(ctx.size, 'y');
  await producer.send(new Message(topic, body)); // creates the topic
  const latencies: number[] = [];
  const consumer = new PushConsumer({ nameServer: ctx.nameServer, group: `bench_lat_cg_${Date.now().toString(36)}`, logger: silentLogger, consumeConcurrency: 64 })
    .subscribe(topic)
    .onMessage((message) => {
      latencies.push(Date.now() - message.bornTimestamp);
    });
  await consumer.start();
  await new Promise((r) => setTimeout(r, 3000)); // rebalance settles
  latencies.length = 0;
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((ratePerSecond * tickMs) / 1000));
  const ticks = Math.round((ctx.seconds * 1000) / tickMs);
  let sent = 0;
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < perTick; i++) {
      const p: Promise<unknown> = producer.send(new Message(topic, body)).then((): void => {
        inFlight.delete(p);
      });
      inFlight.add(p);
      sent += 1;
    }
    const next = started + (t + 1) * tickMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 10_000;
  while (latencies.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - started) / 1000;
  await consumer.shutdown({ drainTimeoutMs: 2000 });
  await producer.shutdown();
  latencies.sort((a, b) => a - b);
  return {
    scenario: `end-to-end at ${ratePerSecond.toLocaleString('en-US')} msg/s`,
    messages: latencies.length,
    seconds: elapsed,
    rate: sent / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
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
    ['scenario', 'messages', 'seconds', 'msg/s', 'p50 ms', 'p99 ms'],
    rows.map((r) => [r.scenario, r.messages, r.seconds, Math.round(r.rate), r.p50 ?? '-', r.p99 ?? '-']),
    [
      `target: ${ctx.label} at ${ctx.nameServer}; message size ${ctx.size} B; async flush`,
      'p50/p99: per send call for sends, store-to-handler (bornTimestamp to handler) for end-to-end',
    ],
  );
}

/** The official Java client's send scenarios against the same broker, and our rate as a ratio of its. */
async function javaComparison(ctx: BenchContext, version: string, ours: BenchRow[], rate: number): Promise<void> {
  const { javaSource, parseJsonLines, runJava } = await import('../test/interop/support/java-client.js');
  process.stdout.write(`running the official Java client ${version} (JavaBench) ...\n`);
  const out = await runJava(version, javaSource('JavaBench.java'), [ctx.nameServer, `JavaBench_${Date.now().toString(36)}`, String(ctx.seconds), String(ctx.size)], {
    jvmArgs: ['-XX:TieredStopAtLevel=4', '-Xmx512m'],
    timeoutMs: 300_000,
  });
  const java = parseJsonLines<{ scenario: string; messages: number; seconds: number }>(out);
  printTable(
    `Official Java client ${version} vs ours against ${ctx.label}`,
    ['scenario', 'Java msg/s', 'ours msg/s', 'ours / Java'],
    java.map((j) => {
      const javaRate = j.messages / j.seconds;
      const ourRate = ours.find((r) => r.scenario === j.scenario)?.rate ?? 0;
      return [j.scenario, Math.round(javaRate), Math.round(ourRate), `${(ourRate / javaRate).toFixed(2)}x`];
    }),
  );
  process.stdout.write(`running the official Java client ${version} (JavaLatencyBench) ...\n`);
  const latencyOut = await runJava(
    version,
    javaSource('JavaLatencyBench.java'),
    [ctx.nameServer, `JavaLatency_${Date.now().toString(36)}`, String(ctx.seconds), String(ctx.size), String(rate)],
    { jvmArgs: ['-Xmx512m'], timeoutMs: 300_000 },
  );
  const javaLatency = parseJsonLines<{ scenario: string; messages: number; sent: number; p50: number; p99: number }>(latencyOut);
  printTable(
    `End-to-end latency (born → handler), official Java client ${version} vs ours against ${ctx.label}`,
    ['scenario', 'client', 'received / sent', 'p50 ms', 'p99 ms'],
    javaLatency.flatMap((j) => {
      const mine = ours.find((r) => r.scenario === j.scenario);
      return [
        [j.scenario, 'Java', `${j.messages} / ${j.sent}`, j.p50, j.p99],
        [j.scenario, 'ours', mine ? `${mine.messages} / ${Math.round(mine.rate * mine.seconds)}` : '-', mine?.p50 ?? '-', mine?.p99 ?? '-'],
      ];
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      namesrv: { type: 'string' },
      target: { type: 'string', default: 'apache,embedded' },
      seconds: { type: 'string', default: '5' },
      size: { type: 'string', default: '1024' },
      version: { type: 'string', default: '5.5.1' },
      rate: { type: 'string', default: '5000' },
      backlog: { type: 'string', default: '1000000' },
    },
  });
  const targets = values.namesrv ? ['given'] : values.target!.split(',').map((t) => t.trim());
  const backlog = Number(values.backlog);
  const summaries: BrokerSummary[] = [];
  for (const target of targets) {
    const started = performance.now();
    let running: Awaited<ReturnType<typeof startTarget>> | undefined;
    if (target === 'given') {
      running = { nameServer: values.namesrv!, brokerPid: -1, label: 'given cluster', stop: async () => undefined };
    } else {
      process.stdout.write(`starting ${target === 'apache' ? `Apache RocketMQ ${values.version}` : 'the embedded RocketMQ in its own process'} ...\n`);
      running = await startTarget(target, values.version!, false);
    }
    const readyMs = performance.now() - started;
    const javaVersion = target === 'apache' ? values.version! : '5.5.1';
    const ctx: BenchContext = { nameServer: running.nameServer, seconds: Number(values.seconds), size: Number(values.size), label: running.label };
    const summary: BrokerSummary = { label: running.label, readyMs };
    try {
      const { rows, topic, backlog: sent } = await producerBench(ctx);
      rows.push(await drainBench(ctx, topic, sent));
      rows.push(await latencyBench(ctx, Number(values.rate)));
      summary.windowed = rows.find((r) => r.scenario === 'async send, window 128');
      summary.latency = rows.at(-1);
      printRows(`Our client against ${running.label} (ready in ${Math.round(readyMs)} ms)`, ctx, rows);
      if (target !== 'given') await javaComparison(ctx, javaVersion, rows, Number(values.rate));
      if (target !== 'given' && backlog > 0) {
        process.stdout.write(`filling a backlog of ${backlog.toLocaleString('en-US')} messages ...\n`);
        const fill = await fillBacklog(running.nameServer, backlog, ctx.size, (n) => process.stdout.write(`  ${n.toLocaleString('en-US')}\n`));
        process.stdout.write(`  done in ${fill.seconds.toFixed(1)} s\n`);
        await new Promise((r) => setTimeout(r, 2000)); // let flushes and dispatch settle
        summary.backlogMemory = processMemory(running.brokerPid);
      }
    } finally {
      await running.stop();
    }
    if (target !== 'given') {
      process.stdout.write('restarting it with SYNC_FLUSH ...\n');
      const syncRunning = await startTarget(target, values.version!, true);
      try {
        summary.syncFlush = await syncFlushLatency(syncRunning.nameServer, ctx.seconds, ctx.size);
      } finally {
        await syncRunning.stop();
      }
      summaries.push(summary);
    }
  }
  if (summaries.length > 0) printSummary(summaries, backlog);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
