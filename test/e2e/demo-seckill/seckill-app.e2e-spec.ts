/**
 * The seckill app end to end on real services: PostgreSQL (a schema of its own), Redis (a key
 * prefix of its own), the embedded RocketMQ in this process, the HTTP API on a free port.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { RocketMQProducer } from '@app/rocketmq';
import type { SeckillGate } from '../../../apps/demo-seckill/src/gate/seckill-gate.js';
import type { OrderMessage } from '../../../apps/demo-seckill/src/orders/order-message.js';
import { ORDER_TAG } from '../../../apps/demo-seckill/src/orders/order-message.js';
import { startSeckillApp, type RunningSeckillApp } from '../../../apps/demo-seckill/src/seckill-app.js';
import { SECKILL_GATE } from '../../../apps/demo-seckill/src/tokens.js';
import { startEmbedded } from '../support/embedded.js';
import { eventually, http, isolatedServices, pooled, testConfig } from './seckill-support.js';

jest.setTimeout(60_000);

const services = isolatedServices('sk_app');
let broker: Awaited<ReturnType<typeof startEmbedded>>;
let running: RunningSeckillApp;
let url: string;

beforeAll(async () => {
  broker = await startEmbedded();
  running = await startSeckillApp(testConfig({ ...services.env, ROCKETMQ_NAMESRV: broker.nameServer, ORDER_RATE_PER_SEC: '500' }));
  url = running.url!;
});

afterAll(async () => {
  await running?.close();
  await broker?.stop();
  await services.drop();
});

let skuCounter = 0;
async function createSale(body: Record<string, unknown> = {}) {
  const sku = `sku-${skuCounter++}`;
  const answer = await http(`${url}/sales`, 'POST', { sku, stock: 5, ...body });
  expect(answer.status).toBe(201);
  return sku;
}
const seckill = (sku: string, userId: string) => http<{ outcome: string; ticketId?: string; status?: string }>(`${url}/seckill`, 'POST', { sku, userId });
const ticket = (id: string) => http<{ status: string; reason?: string | null; userId?: string }>(`${url}/seckill/tickets/${id}`, 'GET');
const sale = (sku: string) => http<{ remaining: number; orders: number; distinctUsers: number; ticketsCreated: number; ticketsFailed: number }>(`${url}/sales/${sku}`, 'GET');
const settled = (id: string) => eventually(() => ticket(id), (t) => t.body.status !== 'PENDING', 15_000, `ticket ${id} to settle`);

describe('sales', () => {
  it('creates a sale and shows it, once per SKU', async () => {
    const sku = await createSale({ stock: 7 });
    const shown = await sale(sku);
    expect(shown.body).toMatchObject({ sku, stock: 7, remaining: 7, orders: 0 });
    expect((await http(`${url}/sales`, 'POST', { sku, stock: 1 })).status).toBe(409);
    expect((await http(`${url}/sales/nope`, 'GET')).status).toBe(404);
  });

  it('rejects an invalid sale with every problem named', async () => {
    const answer = await http<{ problems: string[] }>(`${url}/sales`, 'POST', { sku: 'bad sku', stock: -1 });
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual([expect.stringMatching(/^sku:/), expect.stringMatching(/^stock:/)]);
  });
});

describe('POST /seckill', () => {
  it('answers 202 with a ticket that becomes CREATED', async () => {
    const sku = await createSale();
    const accepted = await seckill(sku, 'alice');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ outcome: 'accepted', status: 'PENDING', ticketId: expect.any(String) });
    const final = await settled(accepted.body.ticketId!);
    expect(final.body).toMatchObject({ status: 'CREATED', sku, userId: 'alice' });
    expect((await sale(sku)).body).toMatchObject({ remaining: 4, orders: 1, ticketsCreated: 1 });
  });

  it('rejects a repeat user at once (409) with the ticket they hold', async () => {
    const sku = await createSale();
    const first = await seckill(sku, 'bob');
    const again = await seckill(sku, 'bob');
    expect(again).toEqual({ status: 409, body: { outcome: 'repeat', ticketId: first.body.ticketId } });
  });

  it('rejects when sold out (410)', async () => {
    const sku = await createSale({ stock: 1 });
    expect((await seckill(sku, 'u1')).status).toBe(202);
    expect(await seckill(sku, 'u2')).toEqual({ status: 410, body: { outcome: 'sold_out' } });
  });

  it('rejects over the rate limit (429) without taking stock', async () => {
    const sku = await createSale({ stock: 100, ratePerSec: 1, burst: 2 });
    const answers = [];
    for (const user of ['r1', 'r2', 'r3', 'r4']) answers.push((await seckill(sku, user)).status);
    expect(answers).toEqual([202, 202, 429, 429]);
    expect((await sale(sku)).body.remaining).toBe(98);
  });

  it('rejects before the sale starts (425) and for an unknown SKU (404)', async () => {
    const sku = await createSale({ startsAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await seckill(sku, 'early')).toEqual({ status: 425, body: { outcome: 'not_started' } });
    expect(await seckill('no-such-sku', 'x')).toEqual({ status: 404, body: { outcome: 'unknown_sale' } });
    expect((await http(`${url}/seckill`, 'POST', { sku })).status).toBe(400);
  });

  it('answers 404 for an unknown ticket', async () => {
    expect((await ticket('00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});

describe('under a concurrent burst', () => {
  it('creates exactly stock orders, one per user, and settles every accepted ticket', async () => {
    const sku = await createSale({ stock: 50 });
    const users = Array.from({ length: 600 }, (_, i) => `burst-${i % 300}`); // every user twice
    const answers = await pooled(users.map((user) => () => seckill(sku, user)), 64);
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(50);
    const reasons = new Set(answers.filter((a) => a.status !== 202).map((a) => a.body.outcome));
    expect([...reasons].every((r) => r === 'sold_out' || r === 'repeat')).toBe(true);
    const finals = await Promise.all(accepted.map((a) => settled(a.body.ticketId!)));
    expect(finals.every((f) => f.body.status === 'CREATED')).toBe(true);
    expect((await sale(sku)).body).toMatchObject({ remaining: 0, orders: 50, distinctUsers: 50, ticketsCreated: 50, ticketsFailed: 0 });
  });
});

describe('the order consumer', () => {
  it('creates one order when the same accepted request is delivered twice', async () => {
    const sku = await createSale();
    const accepted = await seckill(sku, 'dave');
    const message: OrderMessage = { ticketId: accepted.body.ticketId!, sku, userId: 'dave', acceptedAt: Date.now() };
    // a second message with the same content (another msgId): what a producer retry after a lost ack looks like
    await running.app.get(RocketMQProducer).send(`seckill_orders:${ORDER_TAG}`, message, { keys: message.ticketId });
    await settled(message.ticketId);
    await new Promise((r) => setTimeout(r, 500)); // let the duplicate be consumed too
    expect((await sale(sku)).body).toMatchObject({ orders: 1, ticketsCreated: 1, remaining: 4 });
  });

  it('marks a failing order FAILED and returns its unit to the gate', async () => {
    // a sale the gate knows but the database does not: the order insert breaks its foreign key
    const gate = running.app.get<symbol, SeckillGate>(SECKILL_GATE);
    await gate.createSale({ sku: 'ghost', stock: 1, startsAt: Date.now() - 1, ratePerSec: 100, burst: 100 });
    const accepted = await seckill('ghost', 'erin');
    expect(accepted.status).toBe(202);
    expect((await seckill('ghost', 'frank')).body.outcome).toBe('sold_out');
    const final = await settled(accepted.body.ticketId!);
    expect(final.body).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^unknown_sale/) });
    // FAILED is recorded first, then the unit goes back
    await eventually(() => gate.getSale('ghost'), (sale) => sale!.remaining === 1, 5_000, 'the unit back at the gate');
    // the unit is for sale again (once the API's sold-out memo expires) and erin holds nothing
    const retry = await eventually(() => seckill('ghost', 'frank'), (a) => a.status !== 410, 5_000, 'the returned unit');
    expect(retry.status).toBe(202);
  });
});

describe('a send that reports failure', () => {
  /** The next send of the API fails: after the broker stored it (`stored`, a lost acknowledgement) or before. */
  function failNextSend(stored: boolean, beforeThrowing: () => Promise<void> = async () => undefined) {
    const producer = running.app.get(RocketMQProducer);
    const original = producer.send.bind(producer);
    const spy = jest.spyOn(producer, 'send').mockImplementationOnce(async (...args: Parameters<RocketMQProducer['send']>) => {
      if (stored) await original(...args);
      await beforeThrowing();
      throw new Error(stored ? 'timed out waiting for the broker (the message was stored)' : 'connection refused');
    });
    return spy;
  }

  it('that never reached the broker: 503, the ticket is FAILED and its unit back on sale', async () => {
    const sku = await createSale({ stock: 1 });
    const spy = failNextSend(false);
    const failed = await seckill(sku, 'gina');
    spy.mockRestore();
    expect(failed.status).toBe(503);
    const next = await seckill(sku, 'hank');
    expect(next.status).toBe(202);
    await settled(next.body.ticketId!);
    expect((await sale(sku)).body).toMatchObject({ orders: 1, remaining: 0, ticketsCreated: 1, ticketsFailed: 1 });
  });

  it('that the broker stored and the consumer turned into an order first: accepted after all, the unit is not sold twice', async () => {
    const sku = await createSale({ stock: 1 });
    // the consumer creates the order before the API hears about the "failure"
    const spy = failNextSend(true, () => eventually(() => sale(sku), (s) => s.body.orders === 1, 15_000, 'the order from the stored message').then(() => undefined));
    const accepted = await seckill(sku, 'ivan');
    spy.mockRestore();
    expect(accepted.status).toBe(202);
    expect((await ticket(accepted.body.ticketId!)).body.status).toBe('CREATED');
    const late = await seckill(sku, 'jane');
    expect(late.status).toBe(410);
    await new Promise((r) => setTimeout(r, 300));
    expect((await sale(sku)).body).toMatchObject({ orders: 1, remaining: 0, ticketsCreated: 1, ticketsFailed: 0 });
  });
});

describe('operations', () => {
  it('serves the OpenAPI document and a health check', async () => {
    const doc = await http<{ paths: Record<string, unknown> }>(`${url}/docs-json`, 'GET');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/seckill', '/seckill/tickets/{ticketId}', '/sales', '/sales/{sku}']));
    const ui = await fetch(`${url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const health = await http<{ status: string; info: Record<string, { status: string }> }>(`${url}/health`, 'GET');
    expect(health.status).toBe(200);
    expect(health.body.info['gate']).toMatchObject({ status: 'up', kind: 'redis' });
  });
});
