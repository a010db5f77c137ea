/**
 * The applications `npm start` runs beside the broker: the console and both demos, each on its own port (the given
 * one when free, else a free one), all on the same RocketMQ, with PGlite databases under .data/ and the in-process
 * seckill gate: nothing to install.
 */
import net from 'node:net';
import path from 'node:path';
import { startConsoleApp } from '../../apps/console/src/console-app.js';
import { loadOrderConfig } from '../../apps/demo-order/src/config/order-config.js';
import { startOrderApp } from '../../apps/demo-order/src/order-app.js';
import { loadSeckillConfig } from '../../apps/demo-seckill/src/config/seckill-config.js';
import { startSeckillApp } from '../../apps/demo-seckill/src/seckill-app.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';

export interface RunningApp {
  name: string;
  url: string;
  links: string[];
  close(): Promise<void>;
}

/** `preferred` when nothing listens there, else 0 (the OS picks). */
async function portOr0(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(0));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}

export async function startApps(nameServer: string, dataDir: string, say: (line: string) => void, logger: RocketMQLogger): Promise<RunningApp[]> {
  const apps: RunningApp[] = [];
  try {
    say('Starting the console ...');
    const consoleApp = await startConsoleApp({ nameServer, port: await portOr0(8080), logger: false, rocketmqLogger: logger });
    apps.push({ name: 'console', url: consoleApp.url, links: [`${consoleApp.url}/`, `${consoleApp.url}/docs`], close: () => consoleApp.close() });

    say('Starting demo-seckill (PGlite + in-process gate) ...');
    const seckill = await startSeckillApp(
      loadSeckillConfig({
        ROCKETMQ_NAMESRV: nameServer,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(await portOr0(3001)),
        PGLITE_DATA_DIR: path.join(dataDir, 'demo-seckill'),
        LOG_LEVEL: 'warn',
      }),
    );
    apps.push({ name: 'demo-seckill', url: seckill.url!, links: [`${seckill.url}/docs`], close: () => seckill.close() });

    say('Starting demo-order (PGlite, transactional messages) ...');
    const order = await startOrderApp(
      loadOrderConfig({
        ROCKETMQ_NAMESRV: nameServer,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(await portOr0(3002)),
        PGLITE_DATA_DIR: path.join(dataDir, 'demo-order'),
        LOG_LEVEL: 'warn',
      }),
      { rocketmqLogger: logger },
    );
    apps.push({ name: 'demo-order', url: order.url, links: [`${order.url}/docs`], close: () => order.close() });
    return apps;
  } catch (error) {
    await closeApps(apps);
    throw error;
  }
}

export async function closeApps(apps: RunningApp[]): Promise<void> {
  for (const app of [...apps].reverse()) await app.close().catch(() => undefined);
}

async function request<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One request through each demo, end to end (used by `npm start -- --once`). Resolves to the lines to print. */
export async function smokeTest(apps: RunningApp[]): Promise<string[]> {
  const url = (name: string) => apps.find((a) => a.name === name)!.url;
  const lines: string[] = [];
  const sku = `start-${Date.now().toString(36)}`;
  const sale = await request('POST', `${url('demo-seckill')}/sales`, { sku, stock: 1 });
  if (sale.status !== 201) throw new Error(`creating a sale answered ${sale.status}: ${JSON.stringify(sale.body)}`);
  const first = await request<{ ticketId: string }>('POST', `${url('demo-seckill')}/seckill`, { sku, userId: 'alice' });
  const second = await request<{ outcome?: string }>('POST', `${url('demo-seckill')}/seckill`, { sku, userId: 'bob' });
  if (first.status !== 202) throw new Error(`the first buyer was answered ${first.status}: ${JSON.stringify(first.body)}`);
  const ticket = await until('the seckill order', async () => {
    const t = await request<{ status: string }>('GET', `${url('demo-seckill')}/seckill/tickets/${first.body.ticketId}`);
    return t.body?.status === 'CREATED' ? t.body : undefined;
  });
  lines.push(`demo-seckill: stock 1, alice got ticket ${first.body.ticketId} → order ${ticket.status}; bob was answered ${second.status} (${JSON.stringify(second.body)})`);

  type Totals = { totals: { orders: number; consumedBy: Record<string, number>; notifications: number } };
  const before = (await request<Totals>('GET', `${url('demo-order')}/stats`)).body.totals;
  const placed = await request<{ id: string; status: string }>('POST', `${url('demo-order')}/orders`, { userId: 'carol', items: [{ sku: 'BOOK-001', quantity: 1 }] });
  if (placed.status !== 201 && placed.status !== 202) throw new Error(`placing an order answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const after = await until('the order to reach inventory, points and notification', async () => {
    const { totals } = (await request<Totals>('GET', `${url('demo-order')}/stats`)).body;
    return totals.notifications > before.notifications ? totals : undefined;
  });
  lines.push(`demo-order: order ${placed.body.id} ${placed.body.status} (HTTP ${placed.status}); orders ${before.orders} → ${after.orders}, notifications ${before.notifications} → ${after.notifications}`);
  const consoleGroups = await request<{ group: string; totalLag: number }[]>('GET', `${url('console')}/api/groups`);
  lines.push(`console: ${consoleGroups.body.length} consumer groups: ${consoleGroups.body.map((g) => `${g.group} (lag ${g.totalLag})`).join(', ')}`);
  return lines;
}
