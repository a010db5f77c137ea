/**
 * demo-order on real PostgreSQL (a schema of its own) and an embedded broker that checks half
 * messages back every 500 ms: the HTTP API, the transactional send, check-backs, the three
 * idempotent consumers and the ordered status stream.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { AdminClient, type RocketMQLocalTransactionState } from '../../../libs/rocketmq/src/index.js';
import type { RunningEmbeddedRocketMQ } from '../../../libs/broker/src/index.js';
import { OrderCreatedTransaction } from '../../../apps/demo-order/src/orders/order-created.transaction.js';
import type { OrderCreatedEvent } from '../../../apps/demo-order/src/orders/order-events.js';
import { CONSUMER_GROUPS, ORDER_CREATED_TOPIC } from '../../../apps/demo-order/src/order-topics.js';
import { ConsumerStats } from '../../../apps/demo-order/src/consumers/consumer-stats.js';
import type { RunningOrderApp } from '../../../apps/demo-order/src/order-app.js';
import { quiet, sleep, startEmbedded } from '../support/embedded.js';
import {
  consumersOf,
  countOf,
  EFFECT_CONSUMERS_SORTED,
  eventually,
  getJson,
  orderBody,
  placeOrderRedeliveredToEveryConsumer,
  postJson,
  startTestOrderApp,
  testSchema,
  type TestSchema,
} from './support/order-harness.js';

let mq: RunningEmbeddedRocketMQ;
let schema: TestSchema;
let app: RunningOrderApp;
let admin: AdminClient;
const checks: Array<{ orderId: string; answer: RocketMQLocalTransactionState }> = [];
const run = Date.now().toString(36);
const id = (name: string) => `${name}-${run}`;

beforeAll(async () => {
  mq = await startEmbedded({ brokerConfig: { transactionCheckInterval: 500, transactionTimeOut: 500 } });
  schema = testSchema();
  app = await startTestOrderApp(mq.nameServer, schema.name);
  admin = new AdminClient({ nameServer: mq.nameServer, logger: quiet });
  await admin.start();
  // Observe the check-back answers (the real listener still answers).
  const transaction = app.app.get(OrderCreatedTransaction);
  const check = transaction.checkLocalTransaction.bind(transaction);
  jest.spyOn(transaction, 'checkLocalTransaction').mockImplementation(async (event: OrderCreatedEvent, context) => {
    const answer = await check(event, context);
    checks.push({ orderId: event.orderId, answer });
    return answer;
  });
}, 60_000);

afterAll(async () => {
  await admin?.shutdown();
  await app?.close();
  await mq?.stop();
  await schema?.drop();
}, 60_000);

describe('a committed order', () => {
  it('is written with its tx_log row and reaches inventory, points and notification exactly once', async () => {
    const placed = await postJson(app.url, '/orders', orderBody(id('ok')));
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ id: id('ok'), status: 'created', totalCents: 2 * 3900 + 300 });
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM tx_log WHERE order_id = $1`, [id('ok')])).toBe(1);
    await eventually(async () => (await consumersOf(app, id('ok'))).length === 3, 15_000, 'the three consumers');
    expect(await consumersOf(app, id('ok'))).toEqual(EFFECT_CONSUMERS_SORTED);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM notifications WHERE order_id = $1`, [id('ok')])).toBe(1);
    expect(await countOf(app, `SELECT points AS n FROM user_points WHERE user_id = $1`, [`user-${id('ok')}`])).toBe(81);
    const order = await getJson(app.url, `/orders/${id('ok')}`);
    expect(order.body).toMatchObject({ status: 'created', version: 1 });
  }, 30_000);
});

describe('a failing local transaction', () => {
  it('rolls back: 422, no order row, no tx_log row, nothing on the topic, no consumer sees it', async () => {
    const failed = await postJson(app.url, '/orders', orderBody(id('fail'), { faults: { failLocalTransaction: true } }));
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ reason: 'injected-failure' });
    const unknownSku = await postJson(app.url, '/orders', { id: id('nosku'), userId: 'u', items: [{ sku: 'NO-SUCH', quantity: 1 }] });
    expect(unknownSku.status).toBe(422);
    expect(unknownSku.body).toMatchObject({ reason: 'unknown-product' });
    // A committed order sent after them is the marker: once it is consumed, theirs would have been too.
    await postJson(app.url, '/orders', orderBody(id('after-fail')));
    await eventually(async () => (await consumersOf(app, id('after-fail'))).length === 3, 15_000, 'the marker order');
    await sleep(500);
    for (const orderId of [id('fail'), id('nosku')]) {
      expect((await getJson(app.url, `/orders/${orderId}`)).status).toBe(404);
      expect(await countOf(app, `SELECT COUNT(*) AS n FROM tx_log WHERE order_id = $1`, [orderId])).toBe(0);
      expect(await consumersOf(app, orderId)).toEqual([]);
      expect(await admin.queryMessageByKey(ORDER_CREATED_TOPIC, orderId)).toEqual([]);
    }
    expect(await admin.queryMessageByKey(ORDER_CREATED_TOPIC, id('after-fail'))).toHaveLength(1);
  }, 30_000);
});

describe('check-backs', () => {
  it('commit an order whose producer answered UNKNOWN after the DB commit (as if it died before END_TRANSACTION)', async () => {
    const placed = await postJson(app.url, '/orders', orderBody(id('unknown'), { faults: { commitThenUnknown: true } }));
    expect(placed.status).toBe(202);
    expect(placed.body).toMatchObject({ status: 'pending' });
    await eventually(async () => (await consumersOf(app, id('unknown'))).length === 3, 20_000, 'the check-back to commit the order');
    expect(checks.filter((c) => c.orderId === id('unknown')).map((c) => c.answer)).toContain('COMMIT');
    expect(checks.filter((c) => c.orderId === id('unknown')).map((c) => c.answer)).not.toContain('ROLLBACK');
  }, 30_000);

  it('roll back, once the local-transaction bound has passed, a half message whose transaction never committed', async () => {
    const placed = await postJson(app.url, '/orders', orderBody(id('abandoned'), { faults: { abandonBeforeCommit: true } }));
    expect(placed.status).toBe(202);
    // Bound 1000 ms: UNKNOWN while the half message is younger than 2 s, then ROLLBACK.
    await eventually(async () => checks.some((c) => c.orderId === id('abandoned') && c.answer === 'ROLLBACK'), 20_000, 'a ROLLBACK check-back');
    const answers = checks.filter((c) => c.orderId === id('abandoned')).map((c) => c.answer);
    expect(answers.slice(0, -1).every((a) => a === 'UNKNOWN')).toBe(true);
    await sleep(1500); // several check rounds: the broker asks no more
    expect(checks.filter((c) => c.orderId === id('abandoned'))).toHaveLength(answers.length);
    expect((await getJson(app.url, `/orders/${id('abandoned')}`)).status).toBe(404);
    expect(await consumersOf(app, id('abandoned'))).toEqual([]);
    expect(await admin.queryMessageByKey(ORDER_CREATED_TOPIC, id('abandoned'))).toEqual([]);
  }, 30_000);
});

describe('redelivery', () => {
  it('of an order a consumer already applied (it failed before acknowledging) has no second effect', async () => {
    // Each consumer throws after its commit on the first delivery; the retry (broker backoff) finds it applied.
    const { status, stockBefore } = await placeOrderRedeliveredToEveryConsumer(app, id('redeliver'), 'MUG-002', 3);
    expect(status).toBe(201);
    expect(await consumersOf(app, id('redeliver'))).toEqual(EFFECT_CONSUMERS_SORTED);
    expect(await countOf(app, `SELECT quantity AS n FROM stock WHERE sku = 'MUG-002'`)).toBe(stockBefore - 3);
    expect(await countOf(app, `SELECT points AS n FROM user_points WHERE user_id = $1`, [`user-${id('redeliver')}`])).toBe(36);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM notifications WHERE order_id = $1`, [id('redeliver')])).toBe(1);
  }, 50_000);

  it('of the whole topic (a consumer group reset to the first offset) changes nothing', async () => {
    const stats = app.app.get(ConsumerStats);
    const totalsBefore = (await getJson<{ totals: Record<string, unknown> }>(app.url, '/stats')).body.totals;
    const committed = await countOf(app, `SELECT COUNT(*) AS n FROM orders`);
    const duplicatesBefore = stats.snapshot()['points']?.duplicates ?? 0;
    await admin.resetOffsetByTimestamp(ORDER_CREATED_TOPIC, CONSUMER_GROUPS.points, 0);
    await eventually(async () => (stats.snapshot()['points']?.duplicates ?? 0) - duplicatesBefore >= committed, 20_000, 'every order redelivered to points');
    await sleep(300);
    expect((await getJson<{ totals: Record<string, unknown> }>(app.url, '/stats')).body.totals).toEqual(totalsBefore);
  }, 30_000);
});

describe('the ordered status stream', () => {
  it('carries created → paid → shipped per order, in order, with no violation', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => id(`status-${i}`));
    for (const orderId of ids) expect((await postJson(app.url, '/orders', orderBody(orderId))).status).toBe(201);
    await eventually(
      async () => (await countOf(app, `SELECT COUNT(*) AS n FROM orders WHERE created_published = TRUE AND id LIKE $1`, [`status-%-${run}`])) === ids.length,
      15_000,
      'the created events on the status stream',
    );
    await Promise.all(
      ids.map(async (orderId) => {
        expect((await postJson(app.url, `/orders/${orderId}/pay`)).status).toBe(200);
        expect((await postJson(app.url, `/orders/${orderId}/ship`)).status).toBe(200);
      }),
    );
    await eventually(
      async () => (await countOf(app, `SELECT COUNT(*) AS n FROM order_status_view WHERE status = 'shipped' AND version = 3 AND order_id LIKE $1`, [`status-%-${run}`])) === ids.length,
      15_000,
      'every order shipped on the status stream',
    );
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM status_violations`)).toBe(0);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM status_outbox WHERE order_id LIKE $1`, [`status-%-${run}`])).toBe(0);
  }, 40_000);

  it('refuses transitions out of order', async () => {
    await postJson(app.url, '/orders', orderBody(id('early')));
    await eventually(async () => (await getJson(app.url, `/orders/${id('early')}`)).body['createdPublished'] === true, 15_000, 'confirmation');
    expect((await postJson(app.url, `/orders/${id('early')}/ship`)).status).toBe(409);
    expect((await postJson(app.url, `/orders/${id('early')}/pay`)).status).toBe(200);
    expect((await postJson(app.url, `/orders/${id('early')}/pay`)).status).toBe(409);
    expect((await postJson(app.url, `/orders/missing-${run}/pay`)).status).toBe(404);
  }, 30_000);
});

describe('the HTTP API', () => {
  it('validates bodies, refuses duplicates, serves OpenAPI and health', async () => {
    const bad = await postJson<{ problems: string[] }>(app.url, '/orders', { userId: 'bad user', items: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.join('\n')).toMatch(/userId/);
    expect(bad.body.problems.join('\n')).toMatch(/items/);
    expect((await postJson(app.url, '/orders', orderBody(id('ok')))).status).toBe(409);
    const docs = await getJson<{ paths: Record<string, unknown> }>(app.url, '/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{id}/pay', '/health']));
    const ui = await fetch(`${app.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const health = await getJson(app.url, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, rocketmq: { status: 'up' } } });
  }, 20_000);
});
