/**
 * Acceptance run of the seckill demo at the issue's numbers: stock 1,000, 20,000 users, 50,000
 * requests in 5 s with 10% repeats, the consumer at 500 orders/s. The API and the order consumer run
 * as separate processes (src/main.ts); mid-drain the consumer is killed with SIGKILL and restarted.
 * Exactly 1,000 orders must result, no user twice, stock never below 0, every ticket settled.
 *
 *   node --import @swc-node/register/esm-register apps/demo-seckill/scripts/acceptance.ts [load.ts flags] \
 *     [--order-rate 500] [--kill-at <orders; default half the stock>] [--keep]
 *
 * Services: ROCKETMQ_NAMESRV (absent: an embedded broker in a child process), DATABASE_URL (default the
 * local PostgreSQL, in a schema of its own), REDIS_URL (default the local Redis, under a key prefix of
 * its own). A split deployment needs a shared database and gate, so PGlite and the in-process gate do
 * not apply here. Schema and keys are dropped at the end unless --keep.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { EmbeddedRocketMQ } from '@app/broker';
import { machine, parsePlanArgs } from './load.js';
import { applySamples, checkInvariants, createSale, fireBurst, formatReport, orderRate, planRequests, readSale, ticketStatuses, waitForDrain, warmUp, watchSale, type Check } from './seckill-burst.js';
import { spawnSeckill, type SeckillProcess } from './seckill-process.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const { values, tokens } = parseArgs({
    args: process.argv.slice(2),
    options: { 'order-rate': { type: 'string', default: '500' }, 'kill-at': { type: 'string' }, keep: { type: 'boolean', default: false } },
    strict: false,
    tokens: true,
  });
  const own = new Set(['order-rate', 'kill-at', 'keep']);
  const loadArgs = tokens.flatMap((t) => (t.kind === 'option' && !own.has(t.name) ? [t.rawName, ...(t.value === undefined ? [] : [t.value])] : t.kind === 'positional' ? [t.value] : []));
  const { plan, saleRatePerSec, drainTimeoutMs, warmupRequests } = parsePlanArgs(loadArgs);
  const ordersPerSec = Number(values['order-rate']);
  // mid-drain: by default once half the stock has become orders
  const killAt = values['kill-at'] === undefined ? Math.floor(plan.stock / 2) : Number(values['kill-at']);

  const runId = `seckill_acc_${Date.now().toString(36)}`;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const schema = /^postgres/.test(databaseUrl) ? runId : undefined;
  const keyPrefix = `${runId}:`;

  let embedded: Awaited<ReturnType<typeof EmbeddedRocketMQ.start>> | undefined;
  let nameServer = process.env.ROCKETMQ_NAMESRV;
  if (!nameServer) {
    embedded = await EmbeddedRocketMQ.start({ inWorker: true });
    nameServer = embedded.nameServer;
  }
  const env: Record<string, string> = {
    ROCKETMQ_NAMESRV: nameServer,
    DATABASE_URL: databaseUrl,
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    ORDER_RATE_PER_SEC: String(ordersPerSec),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const echo = (role: string) => (line: string) => process.stderr.write(`  [${role}] ${line}\n`);
  const processes: SeckillProcess[] = [];
  const start = (role: 'api' | 'consumer') => {
    const child = spawnSeckill({ ...env, SECKILL_ROLE: role }, { echo: echo(role) });
    processes.push(child);
    return child;
  };

  try {
    say(`RocketMQ ${nameServer}${embedded ? ' (embedded, child process)' : ''}; database ${databaseUrl.replace(/\/\/[^@]*@/, '//')}${schema ? ` schema ${schema}` : ''}; Redis ${redisUrl} prefix ${keyPrefix}`);
    const api = start('api');
    let consumer = start('consumer');
    const [url] = await Promise.all([api.ready, consumer.ready]);
    say(`api ${url} (pid ${api.child.pid}), consumer pid ${consumer.child.pid}, ${ordersPerSec} orders/s`);

    const warmupOrders = await warmUp(url!, warmupRequests, plan.connections);
    await createSale(url!, plan.sku, plan.stock, saleRatePerSec);
    const bodies = planRequests(plan);

    // beside the burst: once `killAt` orders exist, kill -9 the consumer and start a new one
    const kill: { at?: number; ordersAtKill?: number; restartedReadyMs?: number } = {};
    const watcher = watchSale(url!, plan.sku, async ({ sale }) => {
      if (kill.at !== undefined || sale.orders < killAt) return;
      consumer.kill9();
      kill.at = Date.now();
      await consumer.exited;
      kill.ordersAtKill = (await readSale(url!, plan.sku)).orders;
      say(`kill -9 consumer (pid ${consumer.child.pid}) at ${kill.ordersAtKill} orders; restarting it`);
      consumer = start('consumer');
      void consumer.ready.then(() => {
        kill.restartedReadyMs = Date.now() - kill.at!;
        say(`consumer restarted (pid ${consumer.child.pid}) ${kill.restartedReadyMs} ms after the kill`);
      });
    });

    say(`firing ${plan.requests} requests over ${plan.durationSec} s ...`);
    const burst = await fireBurst(url!, plan, bodies);
    const accepted = burst.byStatus.get(202) ?? 0;
    say(`burst done in ${burst.wallMs} ms: ${accepted} accepted`);
    const drain = await waitForDrain(url!, plan.sku, accepted, drainTimeoutMs);
    const samples = await watcher.stop();
    applySamples(drain, samples, burst.startedAt, accepted);
    const statuses = await ticketStatuses(url!, burst.acceptedTickets);
    const checks: Check[] = [
      ...checkInvariants(plan, burst, drain, statuses),
      { name: 'consumer killed mid-drain', ok: kill.ordersAtKill !== undefined && kill.ordersAtKill < plan.stock, detail: kill.ordersAtKill === undefined ? 'never killed' : `killed at ${kill.ordersAtKill} orders, back after ${((kill.restartedReadyMs ?? 0) / 1000).toFixed(1)} s` },
    ];
    const rate = orderRate(samples, kill.at);
    const notes = [
      `API and consumer are separate processes (src/main.ts, SECKILL_ROLE=api / consumer); ORDER_RATE_PER_SEC=${ordersPerSec}; broker ${embedded ? 'embedded (child process)' : nameServer}; PostgreSQL + Redis`,
      `order rate before the kill: ${rate} (ORDER_RATE_PER_SEC=${ordersPerSec})`,
      `new orders per second of the restarted consumer on its backlog: ${kill.at !== undefined && kill.restartedReadyMs !== undefined ? orderRate(samples, undefined, kill.at + kill.restartedReadyMs) : 'not measured'} (at the same limit it also re-reads what the killed one had handled but not yet committed, up to about a second's worth)`,
      `the consumer restart (a new Node process: TypeScript compile + Nest start) is inside the drain time`,
      `warm-up before the burst: ${warmupRequests} requests on a separate sale, ${warmupOrders} of them accepted and made orders (not measured)`,
      `load generator (autocannon, ${burst.connections} connections${burst.connections === plan.connections ? '' : `, ${plan.connections} asked: a count that splits the rate evenly`}) on the same ${machine()}`,
    ];
    say('');
    say(formatReport({ title: 'Seckill acceptance run', target: url!, setup: machine(), notes }, plan, burst, drain, checks));
    if (checks.some((c) => !c.ok)) process.exitCode = 1;
  } finally {
    await Promise.all(processes.map((p) => p.stop(15_000)));
    await embedded?.stop();
    if (!values.keep) await dropIsolation(databaseUrl, schema, redisUrl, keyPrefix);
  }
}

async function dropIsolation(databaseUrl: string, schema: string | undefined, redisUrl: string, keyPrefix: string): Promise<void> {
  if (schema) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  }
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}


main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
