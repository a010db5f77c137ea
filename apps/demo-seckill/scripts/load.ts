/**
 * Load script: creates a sale on a running seckill app, fires a bounded burst at POST /seckill with
 * autocannon, waits for the order consumer to drain, checks the invariants and prints a table.
 *
 *   node --import @swc-node/register/esm-register apps/demo-seckill/scripts/load.ts \
 *     --url http://127.0.0.1:3001 --stock 1000 --users 20000 --requests 50000 --duration 5 --repeat 0.1
 *
 * Exit code 1 when an invariant fails.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { applySamples, checkInvariants, createSale, fireBurst, formatReport, orderRate, planRequests, ticketStatuses, waitForDrain, warmUp, watchSale, type BurstPlan } from './seckill-burst.js';

export function parsePlanArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3001' },
      sku: { type: 'string' },
      stock: { type: 'string', default: '1000' },
      users: { type: 'string', default: '20000' },
      requests: { type: 'string', default: '50000' },
      duration: { type: 'string', default: '5' },
      repeat: { type: 'string', default: '0.1' },
      connections: { type: 'string', default: '32' },
      'sale-rate': { type: 'string' },
      'drain-timeout': { type: 'string', default: '180' },
      warmup: { type: 'string', default: '3000' },
    },
    strict: true,
  });
  const number = (name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}], got "${value}"`);
    return n;
  };
  const plan: BurstPlan = {
    sku: values.sku ?? `load-${Date.now().toString(36)}`,
    stock: number('stock', values.stock, 0),
    users: number('users', values.users, 1),
    requests: number('requests', values.requests, 1),
    durationSec: number('duration', values.duration, 0.1),
    repeatRatio: number('repeat', values.repeat, 0, 1),
    connections: number('connections', values.connections, 1, 10_000),
  };
  return {
    url: values.url.replace(/\/$/, ''),
    plan,
    saleRatePerSec: values['sale-rate'] === undefined ? undefined : number('sale-rate', values['sale-rate'], 1),
    drainTimeoutMs: number('drain-timeout', values['drain-timeout'], 1) * 1000,
    warmupRequests: number('warmup', values.warmup, 0),
  };
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

async function main(): Promise<void> {
  const { url, plan, saleRatePerSec, drainTimeoutMs, warmupRequests } = parsePlanArgs(process.argv.slice(2));
  const warmupOrders = await warmUp(url, warmupRequests, plan.connections);
  await createSale(url, plan.sku, plan.stock, saleRatePerSec);
  const bodies = planRequests(plan);
  process.stdout.write(`sale ${plan.sku} created; firing ${plan.requests} requests over ${plan.durationSec} s ...\n`);
  const watcher = watchSale(url, plan.sku);
  const burst = await fireBurst(url, plan, bodies);
  const accepted = burst.byStatus.get(202) ?? 0;
  process.stdout.write(`burst done: ${accepted} accepted; waiting for the orders ...\n`);
  const drain = await waitForDrain(url, plan.sku, accepted, drainTimeoutMs);
  const samples = await watcher.stop();
  applySamples(drain, samples, burst.startedAt, accepted);
  const statuses = await ticketStatuses(url, burst.acceptedTickets);
  const checks = checkInvariants(plan, burst, drain, statuses);
  const notes = [`order rate while draining: ${orderRate(samples)}`, `warm-up before the burst: ${warmupRequests} requests on a separate sale, ${warmupOrders} of them accepted and made orders (not measured)`, `load generator (autocannon, ${burst.connections} connections${burst.connections === plan.connections ? '' : `, ${plan.connections} asked: a count that splits the rate evenly`}) on the same machine`];
  process.stdout.write(`\n${formatReport({ title: 'Seckill load run', target: url, setup: machine(), notes }, plan, burst, drain, checks)}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
