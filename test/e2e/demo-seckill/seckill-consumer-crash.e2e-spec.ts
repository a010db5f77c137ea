/**
 * A split deployment as separate processes (API and order consumer, both src/main.ts) on PostgreSQL,
 * Redis and the embedded broker: the consumer is killed with SIGKILL mid-drain and restarted, and
 * the sale still ends with exactly its stock in orders, one per user, every ticket settled.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSeckill, type SeckillProcess } from '../../../apps/demo-seckill/scripts/seckill-process.js';
import { startEmbedded } from '../support/embedded.js';
import { eventually, http, isolatedServices, pooled } from './seckill-support.js';

jest.setTimeout(90_000);

const services = isolatedServices('sk_crash');
let broker: Awaited<ReturnType<typeof startEmbedded>>;
const processes: SeckillProcess[] = [];
let env: Record<string, string>;

function start(role: 'api' | 'consumer'): SeckillProcess {
  const child = spawnSeckill({ ...env, SECKILL_ROLE: role });
  processes.push(child);
  return child;
}

beforeAll(async () => {
  broker = await startEmbedded();
  env = { ...services.env, ROCKETMQ_NAMESRV: broker.nameServer, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn', ORDER_RATE_PER_SEC: '40' };
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop(5_000)));
  await broker?.stop();
  await services.drop();
});

type Sale = { remaining: number; orders: number; distinctUsers: number; ticketsCreated: number; ticketsFailed: number };

describe('kill -9 of the order consumer mid-drain', () => {
  it('still creates exactly stock orders after a restart', async () => {
    const api = start('api');
    let consumer = start('consumer');
    const [url] = await Promise.all([api.ready, consumer.ready]);
    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');

    const sku = 'crash-sku';
    expect((await http(`${url}/sales`, 'POST', { sku, stock: 80 })).status).toBe(201);
    const users = Array.from({ length: 200 }, (_, i) => `u${i % 120}`);
    const answers = await pooled(users.map((userId) => () => http<{ ticketId?: string }>(`${url}/seckill`, 'POST', { sku, userId })), 32);
    const tickets = answers.filter((a) => a.status === 202).map((a) => a.body.ticketId!);
    expect(tickets).toHaveLength(80);

    const sale = () => http<Sale>(`${url}/sales/${sku}`, 'GET').then((r) => r.body);
    const atKill = await eventually(sale, (s) => s.orders >= 15, 30_000, 'the first orders');
    consumer.kill9();
    expect(await consumer.exited).toBe('SIGKILL');
    expect(atKill.orders).toBeLessThan(80); // mid-drain
    const afterKill = await sale();

    consumer = start('consumer');
    await consumer.ready;
    const final = await eventually(sale, (s) => s.ticketsCreated + s.ticketsFailed === 80, 45_000, 'every ticket settled');
    expect(final).toMatchObject({ orders: 80, distinctUsers: 80, ticketsCreated: 80, ticketsFailed: 0, remaining: 0 });
    expect(afterKill.orders).toBeLessThan(80);
    const statuses = await pooled(tickets.map((id) => () => http<{ status: string }>(`${url}/seckill/tickets/${id}`, 'GET')), 16);
    expect(statuses.every((s) => s.body.status === 'CREATED')).toBe(true);
  });
});
