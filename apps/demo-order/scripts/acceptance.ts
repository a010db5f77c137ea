/**
 * Acceptance run of demo-order (the issue's numbers by default):
 *   node --import @swc-node/register/esm-register apps/demo-order/scripts/acceptance.ts
 *
 * 10,000 orders POSTed at a controlled 200 orders/s by autocannon (in a worker thread, off the app's event loop); 10% fail their local transaction
 * (faults.failLocalTransaction) and 5% commit then answer UNKNOWN — to the broker, a producer that
 * died after the local commit and before END_TRANSACTION — so the check-back must commit them.
 * Then every consumer group is reset to the first offset (forced redelivery of everything) and the
 * script checks that:
 *   - the committed orders (DB) are exactly the orders planned to commit, and the set each
 *     consumer (inventory, points, notification) applied equals that set;
 *   - rolled-back orders produced no message (the topic holds exactly one message per committed
 *     order, and no consumer saw them);
 *   - the redelivery produced no second effect (stock, points, notifications unchanged and exact);
 *   - a sample of orders paid and shipped goes through the ordered status stream with no violation.
 * and prints a table with the counts and POST /orders latency.
 *
 * Environment: ORDERS (10000), RATE (200 orders/s), CONNECTIONS (32), FAIL_PERCENT (10),
 * DIE_PERCENT (5), STATUS_SAMPLE (200); the app's own variables (ROCKETMQ_NAMESRV, DATABASE_URL, ...).
 * Without ROCKETMQ_NAMESRV an embedded broker runs in a child process (so it does not share the
 * app's event loop) with 1 s check-backs; with a PostgreSQL DATABASE_URL the run uses a schema of its
 * own, dropped at the end (KEEP_SCHEMA=1 keeps it).
 */
import 'reflect-metadata';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { AdminClient, type RocketMQLogger } from '@app/rocketmq';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '@app/broker';
import { loadOrderConfig } from '../src/config/order-config.js';
import { ConsumerStats } from '../src/consumers/consumer-stats.js';
import { pointsFor } from '../src/consumers/points.consumer.js';
import { startOrderApp, type RunningOrderApp } from '../src/order-app.js';
import { CONSUMER_GROUPS, ORDER_CREATED_TOPIC } from '../src/order-topics.js';
import type { OrderItem } from '../src/orders/order-events.js';
import { CATALOG, INITIAL_STOCK } from '../src/database/schema.js';
import type { OrderLoadInput, OrderLoadOutput } from './order-load.worker.js';
import { steadyConnections } from '../../../scripts/load/steady-rate.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
const silent: RocketMQLogger = { log() {}, warn() {}, error: (m, _t, c) => say(`  rocketmq error [${c ?? ''}] ${m}`) };
const intEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${process.env[name]}`);
  return value;
};

const ORDERS = intEnv('ORDERS', 10_000);
const RATE = intEnv('RATE', 200);
const CONNECTIONS = intEnv('CONNECTIONS', 32);
/** autocannon paces per connection: an uneven split of RATE or ORDERS would offer less than RATE (see steady-rate.ts). */
const LOAD_CONNECTIONS = steadyConnections(ORDERS, RATE, CONNECTIONS);
const FAIL_PERCENT = intEnv('FAIL_PERCENT', 10);
const DIE_PERCENT = intEnv('DIE_PERCENT', 5);
const STATUS_SAMPLE = intEnv('STATUS_SAMPLE', 200);
const EFFECTS = ['inventory', 'points', 'notification'] as const;
const RUN = `acc${Date.now().toString(36)}`;

type Kind = 'commit' | 'fail' | 'die';
interface PlannedOrder {
  id: string;
  userId: string;
  items: OrderItem[];
  kind: Kind;
}

/** Deterministic plan: per 100 orders, FAIL_PERCENT fail and DIE_PERCENT die, spread evenly. */
function plan(): PlannedOrder[] {
  return Array.from({ length: ORDERS }, (_, i) => {
    const slot = (i * 37) % 100; // a stride coprime with 100 spreads the kinds over time
    const kind: Kind = slot < FAIL_PERCENT ? 'fail' : slot < FAIL_PERCENT + DIE_PERCENT ? 'die' : 'commit';
    const product = CATALOG[i % CATALOG.length]!;
    return { id: `${RUN}-${i}`, userId: `user-${i % 500}`, items: [{ sku: product.sku, quantity: 1 + (i % 3) }], kind };
  });
}

function bodyOf(order: PlannedOrder): string {
  const faults = order.kind === 'fail' ? { failLocalTransaction: true } : order.kind === 'die' ? { commitThenUnknown: true } : undefined;
  return JSON.stringify({ id: order.id, userId: order.userId, items: order.items, ...(faults ? { faults } : {}) });
}

async function waitUntil(what: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now() - started;
}

async function idsOf(app: RunningOrderApp, sql: string, params: unknown[]): Promise<Set<string>> {
  const { rows } = await app.db.query<{ id: string }>(sql, params);
  return new Set(rows.map((r) => r.id));
}

/** Runs autocannon in a worker thread (scripts/order-load.worker.ts). */
function runLoad(input: OrderLoadInput): Promise<OrderLoadOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./order-load.worker.ts', import.meta.url), { workerData: input });
    worker.once('message', (output: OrderLoadOutput) => resolve(output));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`the load worker exited with ${code}`)));
  });
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

async function main(): Promise<void> {
  let broker: RunningEmbeddedRocketMQ | undefined;
  let schema: string | undefined;
  const isPostgresUrl = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '');
  if (isPostgresUrl && !process.env.DATABASE_SCHEMA) schema = `demo_order_${RUN}`;
  if (!process.env.ROCKETMQ_NAMESRV) {
    broker = await EmbeddedRocketMQ.start({ inWorker: true, brokerConfig: { transactionCheckInterval: 1000, transactionTimeOut: 1000 } });
  }
  const config = loadOrderConfig({
    LOG_LEVEL: 'warn',
    ...process.env,
    HTTP_PORT: '0',
    ORDER_FAULTS_ENABLED: 'true',
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
  });
  const app = await startOrderApp(config, { nameServer: broker?.nameServer, rocketmqLogger: silent });
  const admin = new AdminClient({ nameServer: app.nameServer, logger: silent });
  await admin.start();
  const rows: Array<[string, string | number, string]> = [];
  const failures: string[] = [];
  const check = (label: string, value: string | number, ok: boolean) => {
    rows.push([label, value, ok ? 'ok' : 'FAIL']);
    if (!ok) failures.push(label);
  };
  try {
    const orders = plan();
    const expectedCommitted = new Set(orders.filter((o) => o.kind !== 'fail').map((o) => o.id));
    const rolledBack = new Set(orders.filter((o) => o.kind === 'fail').map((o) => o.id));
    say(`demo-order acceptance: ${ORDERS} orders at ${RATE}/s (${FAIL_PERCENT}% failing, ${DIE_PERCENT}% producer dies after commit)`);
    say(`  app ${app.url}, RocketMQ ${app.nameServer}${broker ? ' (embedded, child process)' : ''}, ${app.db.description}`);
    const topicBefore = (await admin.topicStats(ORDER_CREATED_TOPIC)).totalMaxOffset;

    // 1. Load: autocannon at a fixed overall rate, one planned order per request, from a worker thread.
    const { result: load, statuses: statusList } = await runLoad({ url: app.url, connections: LOAD_CONNECTIONS, rate: RATE, bodies: orders.map(bodyOf) });
    const statuses = new Map(statusList);
    say(`  load done in ${(load.duration).toFixed(1)} s: ${[...statuses].map(([s, n]) => `${n}×${s}`).join(', ')}`);

    // 2. Settle: check-backs commit the "died" orders, the consumers catch up.
    const like = [`${RUN}-%`];
    const settleMs = await waitUntil('every committed order applied by every consumer', 300_000, async () => {
      const committed = await idsOf(app, `SELECT id FROM orders WHERE id LIKE $1`, like);
      if (committed.size < expectedCommitted.size) return false;
      for (const consumer of EFFECTS) {
        const n = (await app.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM consumed WHERE consumer = $1 AND order_id LIKE $2`, [consumer, like[0]])).rows[0]?.n;
        if (Number(n) < committed.size) return false;
      }
      return true;
    });
    const committed = await idsOf(app, `SELECT id FROM orders WHERE id LIKE $1`, like);
    const seenBy = Object.fromEntries(
      await Promise.all(EFFECTS.map(async (c) => [c, await idsOf(app, `SELECT order_id AS id FROM consumed WHERE consumer = $1 AND order_id LIKE $2`, [c, like[0]])] as const)),
    );
    const committedList = orders.filter((o) => committed.has(o.id));
    const expectedStock = committedList.reduce((s, o) => s + o.items.reduce((t, i) => t + i.quantity, 0), 0);
    const priceOf = new Map(CATALOG.map((p) => [p.sku, p.priceCents]));
    const expectedPoints = committedList.reduce((s, o) => s + pointsFor(o.items.reduce((t, i) => t + priceOf.get(i.sku)! * i.quantity, 0)), 0);

    check('orders sent', ORDERS, (load.non2xx === rolledBack.size) && load.errors === 0 && load.timeouts === 0);
    check('committed (DB) = planned commits + producer-died', committed.size, sameSet(committed, expectedCommitted));
    check('  of which settled by check-back (producer died)', orders.filter((o) => o.kind === 'die' && committed.has(o.id)).length, true);
    check('rolled back (422, no row)', rolledBack.size, [...rolledBack].every((id) => !committed.has(id)) && (statuses.get(422) ?? 0) === rolledBack.size);
    for (const c of EFFECTS) check(`${c}: set seen = committed set`, seenBy[c]!.size, sameSet(seenBy[c]!, committed));
    check('rolled-back orders seen by any consumer', EFFECTS.reduce((n, c) => n + [...rolledBack].filter((id) => seenBy[c]!.has(id)).length, 0), EFFECTS.every((c) => [...rolledBack].every((id) => !seenBy[c]!.has(id))));
    const topicMessages = (await admin.topicStats(ORDER_CREATED_TOPIC)).totalMaxOffset - topicBefore;
    check('messages on the topic (one per committed order)', topicMessages, topicMessages === committed.size);

    // 3. Effects, then a forced redelivery of everything to every consumer group, then the effects again.
    const stockTaken = async () => Number((await app.db.query<{ n: unknown }>(`SELECT COALESCE(SUM(${INITIAL_STOCK} - quantity), 0) AS n FROM stock`)).rows[0]?.n ?? 0);
    const pointsTotal = async () => Number((await app.db.query<{ n: unknown }>(`SELECT COALESCE(SUM(points), 0) AS n FROM user_points`)).rows[0]?.n ?? 0);
    const notifications = async () => Number((await app.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM notifications WHERE order_id LIKE $1`, like)).rows[0]?.n ?? 0);
    const before = { stock: await stockTaken(), points: await pointsTotal(), notifications: await notifications() };
    const stats = app.app.get(ConsumerStats);
    const duplicatesBefore = stats.snapshot();
    const redeliveryStarted = Date.now();
    for (const c of EFFECTS) await admin.resetOffsetByTimestamp(ORDER_CREATED_TOPIC, CONSUMER_GROUPS[c], 0);
    await waitUntil('the redelivery of every message to every consumer', 300_000, async () =>
      EFFECTS.every((c) => (stats.snapshot()[c]?.duplicates ?? 0) - (duplicatesBefore[c]?.duplicates ?? 0) >= committed.size),
    );
    const redeliveryMs = Date.now() - redeliveryStarted;
    await new Promise((r) => setTimeout(r, 500));
    const after = { stock: await stockTaken(), points: await pointsTotal(), notifications: await notifications() };
    const redelivered = EFFECTS.map((c) => (stats.snapshot()[c]?.duplicates ?? 0) - (duplicatesBefore[c]?.duplicates ?? 0));
    check('redelivered after offset reset (per consumer, min)', Math.min(...redelivered), Math.min(...redelivered) >= committed.size);
    check('stock taken = items of committed orders', after.stock, after.stock === expectedStock && before.stock === expectedStock);
    check('points credited = points of committed orders', after.points, after.points === expectedPoints && before.points === expectedPoints);
    check('notifications = committed orders', after.notifications, after.notifications === committed.size && before.notifications === committed.size);

    // 4. Ordered status stream: a sample paid then shipped, concurrently across orders.
    const sample = committedList.slice(0, STATUS_SAMPLE).map((o) => o.id);
    await waitUntil('created on the status stream for the sample', 60_000, async () => {
      const { rows: r } = await app.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM orders WHERE created_published = TRUE AND id LIKE $1`, like);
      return Number(r[0]?.n) >= committed.size;
    });
    let transitionsOk = 0;
    for (let i = 0; i < sample.length; i += 20) {
      await Promise.all(
        sample.slice(i, i + 20).map(async (id) => {
          for (const step of ['pay', 'ship']) if ((await fetch(`${app.url}/orders/${id}/${step}`, { method: 'POST' })).status === 200) transitionsOk++;
        }),
      );
    }
    await waitUntil('the sample shipped on the status stream', 60_000, async () => {
      const { rows: r } = await app.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM order_status_view WHERE status = 'shipped' AND order_id LIKE $1`, like);
      return Number(r[0]?.n) >= sample.length;
    });
    const violations = Number((await app.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM status_violations`)).rows[0]?.n ?? 0);
    check(`status flow created→paid→shipped (${sample.length} orders)`, transitionsOk, transitionsOk === 2 * sample.length);
    check('status sequence violations', violations, violations === 0);

    // 5. Report.
    say();
    say(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; broker ${broker ? 'embedded (child process)' : app.nameServer}; database ${app.db.description}`);
    say(`load: ${ORDERS} POST /orders, target ${RATE}/s, ${LOAD_CONNECTIONS} connections (autocannon${LOAD_CONNECTIONS === CONNECTIONS ? '' : `; ${CONNECTIONS} asked, a count that splits the rate evenly`}), achieved ${(load.requests.total / load.duration).toFixed(1)}/s over ${load.duration.toFixed(1)} s`);
    say(`settling after the load: ${(settleMs / 1000).toFixed(1)} s; full redelivery to 3 groups: ${(redeliveryMs / 1000).toFixed(1)} s`);
    say();
    printTable(['check', 'value', 'result'], rows.map(([a, b, c]) => [a, String(b), c]));
    say();
    printTable(
      ['POST /orders latency (ms)', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'],
      [['all responses', ...[load.latency.p50, load.latency.p90, load.latency.p99, load.latency.p99_9, load.latency.max, load.latency.mean].map((v) => v.toFixed(1))]],
    );
    say();
    say(failures.length === 0 ? 'ACCEPTANCE PASSED' : `ACCEPTANCE FAILED: ${failures.join('; ')}`);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    await admin.shutdown().catch(() => undefined);
    await app.close();
    await broker?.stop();
    if (schema && !process.env.KEEP_SCHEMA) {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    }
  }
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  say(line(header));
  say(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of body) say(line(row));
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`acceptance run failed: ${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
