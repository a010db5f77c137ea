/**
 * The pieces of a seckill load run, shared by load.ts and acceptance.ts: plan the requests, fire
 * them with autocannon, wait for the consumer to drain, check the invariants, print the table.
 */
import autocannon from 'autocannon';
import { steadyConnections } from '../../../scripts/load/steady-rate.js';

export interface BurstPlan {
  sku: string;
  stock: number;
  users: number;
  requests: number;
  durationSec: number;
  /** Share of requests that repeat the user of an earlier request (a double click, a retry). */
  repeatRatio: number;
  connections: number;
}

export interface SaleView {
  stock: number;
  remaining: number;
  orders: number;
  distinctUsers: number;
  ticketsCreated: number;
  ticketsFailed: number;
}

export interface BurstResult {
  sent: number;
  /** autocannon connections: near the plan's, at a count that paces the requests at exactly the planned rate. */
  connections: number;
  wallMs: number;
  /** HTTP status → count (202 accepted, 409 repeat, 410 sold out, 429 rate limited, 425 not started, ...). */
  byStatus: Map<number, number>;
  transportErrors: number;
  timeouts: number;
  /** Response times of POST /seckill, ms, every answer. */
  latencies: number[];
  acceptedLatencies: number[];
  acceptedTickets: string[];
  /** Answers in each second of the burst (where the load generator fell behind the plan, if it did). */
  answersPerSecond: number[];
  /** ms from the burst's start to the last 202. */
  lastAcceptMs: number;
  distinctUsersSent: number;
  startedAt: number;
  endedAt: number;
}

export interface DrainResult {
  drainMs: number;
  /** ms from the burst's start until every accepted ticket was settled (sampled every 50 ms). */
  settledAtMs?: number;
  sale: SaleView;
  /** Lowest `remaining` seen while draining (the gate's stock must never go below 0). */
  minRemaining: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export const OUTCOME_OF_STATUS: Record<number, string> = { 202: 'accepted', 409: 'repeat', 410: 'sold_out', 429: 'rate_limited', 425: 'not_started', 404: 'unknown_sale', 503: 'unavailable', 400: 'bad_request' };

/**
 * Request bodies in send order: each is a repeat of an earlier request's user with probability
 * `repeatRatio`, else a user drawn uniformly from `users` (so users also come back on their own).
 */
export function planRequests(plan: BurstPlan, random: () => number = Math.random): string[] {
  const bodies: string[] = [];
  const chosen: number[] = [];
  for (let i = 0; i < plan.requests; i++) {
    const user = chosen.length > 0 && random() < plan.repeatRatio ? chosen[Math.floor(random() * chosen.length)]! : Math.floor(random() * plan.users);
    chosen.push(user);
    bodies.push(JSON.stringify({ sku: plan.sku, userId: `user-${user}` }));
  }
  return bodies;
}

export async function createSale(url: string, sku: string, stock: number, ratePerSec?: number): Promise<void> {
  const response = await fetch(`${url}/sales`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku, stock, ...(ratePerSec ? { ratePerSec } : {}) }),
  });
  if (response.status !== 201) throw new Error(`creating the sale failed: ${response.status} ${await response.text()}`);
}

export async function readSale(url: string, sku: string): Promise<SaleView> {
  const response = await fetch(`${url}/sales/${sku}`);
  if (!response.ok) throw new Error(`GET /sales/${sku}: ${response.status}`);
  return (await response.json()) as SaleView;
}

/** Fires every planned request at POST /seckill, spread over `durationSec`, with autocannon. */
export async function fireBurst(url: string, plan: BurstPlan, bodies: string[]): Promise<BurstResult> {
  let next = 0;
  const byStatus = new Map<number, number>();
  const latencies: number[] = [];
  const acceptedLatencies: number[] = [];
  const acceptedTickets: string[] = [];
  const answersPerSecond: number[] = [];
  const startedAt = Date.now();
  let lastAcceptAt = startedAt;
  const overallRate = Math.ceil(bodies.length / plan.durationSec);
  const connections = steadyConnections(bodies.length, overallRate, plan.connections);
  // without a callback autocannon returns its tracker, an event emitter that is also a thenable of the result
  const instance = autocannon({
    url,
    connections,
    amount: bodies.length,
    overallRate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/seckill',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        onResponse: (status, body) => {
          if (status === 202) acceptedTickets.push((JSON.parse(body) as { ticketId: string }).ticketId);
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client: autocannon.Client, status: number, _bytes: number, responseTime: number) => {
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    latencies.push(responseTime);
    const second = Math.floor((Date.now() - startedAt) / 1000);
    answersPerSecond[second] = (answersPerSecond[second] ?? 0) + 1;
    if (status === 202) {
      acceptedLatencies.push(responseTime);
      lastAcceptAt = Date.now();
    }
  });
  const result = await instance;
  const endedAt = Date.now();
  return {
    sent: bodies.length,
    connections,
    wallMs: endedAt - startedAt,
    byStatus,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    latencies,
    acceptedLatencies,
    acceptedTickets,
    answersPerSecond: Array.from(answersPerSecond, (n) => n ?? 0),
    lastAcceptMs: lastAcceptAt - startedAt,
    distinctUsersSent: new Set(bodies.map((b) => (JSON.parse(b) as { userId: string }).userId)).size,
    startedAt,
    endedAt,
  };
}

/**
 * Warms the app up (JIT, connection pools) on a sale of its own: a flash-sale server is warm when the
 * sale opens. Half the requests are accepted (the accept path: gate, durable send, then the consumer's
 * order), half sold out; it returns once the consumer has created those orders, so the burst starts
 * on an idle consumer. Not part of the measured burst. Returns the warm-up orders created.
 */
export async function warmUp(url: string, requests: number, connections: number, drainTimeoutMs = 120_000): Promise<number> {
  if (requests <= 0) return 0;
  const sku = `warmup-${Date.now().toString(36)}`;
  const stock = Math.max(1, Math.floor(requests / 2));
  await createSale(url, sku, stock, Math.max(stock, 1000));
  let next = 0;
  await (autocannon({
    url,
    connections,
    amount: requests,
    requests: [{ method: 'POST', path: '/seckill', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: JSON.stringify({ sku, userId: `w${next++}` }) }) }],
  }) as unknown as PromiseLike<autocannon.Result>);
  const started = Date.now();
  for (;;) {
    const sale = await readSale(url, sku);
    if (sale.ticketsCreated + sale.ticketsFailed >= sale.stock - sale.remaining) return sale.orders;
    if (Date.now() - started > drainTimeoutMs) throw new Error(`the warm-up orders were not drained in ${drainTimeoutMs} ms: ${JSON.stringify(sale)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls the sale until every accepted ticket is settled (CREATED or FAILED); `onProgress` sees each poll. */
export async function waitForDrain(url: string, sku: string, accepted: number, timeoutMs: number, onProgress?: (sale: SaleView) => Promise<void> | void): Promise<DrainResult> {
  const started = Date.now();
  let minRemaining = Number.POSITIVE_INFINITY;
  for (;;) {
    const sale = await readSale(url, sku);
    minRemaining = Math.min(minRemaining, sale.remaining);
    await onProgress?.(sale);
    if (sale.ticketsCreated + sale.ticketsFailed >= accepted) return { drainMs: Date.now() - started, sale, minRemaining };
    if (Date.now() - started > timeoutMs) throw new Error(`not drained after ${timeoutMs} ms: ${JSON.stringify(sale)} (accepted ${accepted})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SaleSample {
  at: number;
  sale: SaleView;
}

/**
 * Samples the sale every 50 ms beside the burst (orders are created while requests still arrive);
 * `onSample` may act on a sample (the acceptance run kills the consumer from there).
 */
export function watchSale(url: string, sku: string, onSample?: (sample: SaleSample) => Promise<void> | void) {
  const samples: SaleSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sale = await readSale(url, sku).catch(() => undefined);
      if (sale) {
        const sample = { at: Date.now(), sale };
        samples.push(sample);
        await onSample?.(sample);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    samples,
    async stop(): Promise<SaleSample[]> {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** Folds the watcher's samples into the drain result: the lowest stock seen, and when the last ticket settled. */
export function applySamples(drain: DrainResult, samples: SaleSample[], burstStartedAt: number, accepted: number): void {
  for (const { sale } of samples) drain.minRemaining = Math.min(drain.minRemaining, sale.remaining);
  const settled = samples.find((s) => accepted > 0 && s.sale.ticketsCreated + s.sale.ticketsFailed >= accepted);
  drain.settledAtMs = (settled?.at ?? Date.now()) - burstStartedAt;
}

/**
 * Orders per second over the samples in [from, until] (default: all), from the last sample before the
 * count first grows (a restarted consumer's start-up is not counted) to the first sample at the final
 * count (idle time after the drain is not counted either).
 */
export function orderRate(samples: SaleSample[], until?: number, from?: number): string {
  const window = samples.filter((s) => (until === undefined || s.at <= until) && (from === undefined || s.at >= from));
  const base = window[0]?.sale.orders;
  const grows = window.findIndex((s) => s.sale.orders > base!);
  const finalCount = window.at(-1)?.sale.orders;
  const last = window.find((s) => s.sale.orders === finalCount);
  if (grows < 1 || !last) return 'not measured';
  const first = window[grows - 1]!;
  const orders = last.sale.orders - first.sale.orders;
  return `${Math.round((orders / (last.at - first.at)) * 1000)} orders/s (${orders} orders in ${last.at - first.at} ms)`;
}

/** The status of every accepted ticket, 32 requests at a time. */
export async function ticketStatuses(url: string, tickets: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let i = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (i < tickets.length) {
        const id = tickets[i++]!;
        const response = await fetch(`${url}/seckill/tickets/${id}`);
        const status = response.ok ? ((await response.json()) as { status: string }).status : `HTTP ${response.status}`;
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

export function checkInvariants(plan: BurstPlan, burst: BurstResult, drain: DrainResult, statuses: Map<string, number>): Check[] {
  const accepted = burst.byStatus.get(202) ?? 0;
  const { sale } = drain;
  const expectedOrders = Math.min(plan.stock, burst.distinctUsersSent);
  const settled = (statuses.get('CREATED') ?? 0) + (statuses.get('FAILED') ?? 0);
  return [
    { name: 'orders = min(stock, distinct users)', ok: sale.orders === expectedOrders, detail: `${sale.orders} orders, expected ${expectedOrders}` },
    { name: 'no user twice', ok: sale.distinctUsers === sale.orders, detail: `${sale.distinctUsers} distinct users in ${sale.orders} orders` },
    { name: 'stock never below 0', ok: drain.minRemaining >= 0 && sale.remaining >= 0, detail: `lowest remaining seen ${drain.minRemaining}, now ${sale.remaining}` },
    { name: 'accepted ≤ stock', ok: accepted <= plan.stock, detail: `${accepted} accepted` },
    { name: 'every accepted ticket final', ok: settled === accepted && burst.acceptedTickets.length === accepted, detail: [...statuses].map(([s, n]) => `${s} ${n}`).join(', ') || 'none' },
    { name: 'no transport errors', ok: burst.transportErrors === 0 && burst.timeouts === 0, detail: `${burst.transportErrors} errors, ${burst.timeouts} timeouts` },
  ];
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface ReportContext {
  title: string;
  target: string;
  setup: string;
  notes?: string[];
}

/** The results as one markdown table (also readable as plain text). */
export function formatReport(context: ReportContext, plan: BurstPlan, burst: BurstResult, drain: DrainResult, checks: Check[]): string {
  const rows: ([string, string] | 'rule')[] = [];
  const row = (label: string, value: string) => rows.push([label, value]);
  const ms = (v: number) => (Number.isNaN(v) ? '-' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
  row('target', context.target);
  row('setup', context.setup);
  row('plan', `stock ${plan.stock}, ${plan.users} users, ${plan.requests} requests in ${plan.durationSec} s, ${Math.round(plan.repeatRatio * 100)}% repeats`);
  row('distinct users in the burst', String(burst.distinctUsersSent));
  row('burst wall time', `${(burst.wallMs / 1000).toFixed(2)} s (${Math.round((burst.sent / burst.wallMs) * 1000)} req/s)`);
  row('answers in each second', burst.answersPerSecond.join(', '));
  rows.push('rule');
  const statuses = [...burst.byStatus.keys()].sort((a, b) => a - b);
  for (const status of statuses) row(status === 202 ? 'accepted (202)' : `rejected: ${OUTCOME_OF_STATUS[status] ?? 'other'} (${status})`, String(burst.byStatus.get(status)));
  row('transport errors / timeouts', `${burst.transportErrors} / ${burst.timeouts}`);
  row('last 202 after the burst started', `${(burst.lastAcceptMs / 1000).toFixed(2)} s`);
  rows.push('rule');
  const l = burst.latencies;
  row('POST /seckill latency p50 / p90', `${ms(percentile(l, 50))} / ${ms(percentile(l, 90))}`);
  row('POST /seckill latency p99 / max', `${ms(percentile(l, 99))} / ${ms(l.reduce((m, v) => Math.max(m, v), 0))}`);
  const a = burst.acceptedLatencies;
  row('accepted (202) only: p50 / p99', `${ms(percentile(a, 50))} / ${ms(percentile(a, 99))}`);
  rows.push('rule');
  row('orders created', String(drain.sale.orders));
  row('tickets CREATED / FAILED', `${drain.sale.ticketsCreated} / ${drain.sale.ticketsFailed}`);
  if (drain.settledAtMs !== undefined) row('every ticket settled, from burst start', `${(drain.settledAtMs / 1000).toFixed(2)} s`);
  row('time to drain after the burst ended', `${(drain.drainMs / 1000).toFixed(2)} s`);
  row('stock left at the gate', String(drain.sale.remaining));
  rows.push('rule');
  for (const check of checks) row(`${check.ok ? 'PASS' : 'FAIL'} ${check.name}`, check.detail);
  const left = Math.max(...rows.map((r) => (r === 'rule' ? 0 : r[0].length)));
  const right = Math.max(...rows.map((r) => (r === 'rule' ? 0 : r[1].length)));
  const out = [`${context.title}`, '', `| ${'what'.padEnd(left)} | ${'measured'.padEnd(right)} |`, `|${'-'.repeat(left + 2)}|${'-'.repeat(right + 2)}|`];
  for (const r of rows) out.push(r === 'rule' ? `| ${''.padEnd(left)} | ${''.padEnd(right)} |` : `| ${r[0].padEnd(left)} | ${r[1].padEnd(right)} |`);
  if (context.notes?.length) out.push('');
  for (const note of context.notes ?? []) out.push(`- ${note}`);
  return out.join('\n');
}
