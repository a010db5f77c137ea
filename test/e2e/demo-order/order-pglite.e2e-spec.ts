/** The embedded default: no ROCKETMQ_NAMESRV, no DATABASE_URL → an embedded broker and PGlite in this process. */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningOrderApp } from '../../../apps/demo-order/src/order-app.js';
import { consumersOf, EFFECT_CONSUMERS_SORTED, eventually, getJson, orderBody, postJson, startTestOrderApp } from './support/order-harness.js';

let app: RunningOrderApp;

beforeAll(async () => {
  app = await startTestOrderApp(undefined, undefined);
}, 60_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

describe('demo-order on the embedded default (embedded broker + PGlite)', () => {
  it('starts its own broker and uses PGlite', () => {
    expect(app.embedded).toBeDefined();
    expect(app.db.description).toMatch(/^PGlite/);
  });

  it('commits an order to all three consumers, rolls a failing one back, and settles an UNKNOWN by check-back', async () => {
    expect((await postJson(app.url, '/orders', orderBody('lite-ok'))).status).toBe(201);
    expect((await postJson(app.url, '/orders', orderBody('lite-fail', { faults: { failLocalTransaction: true } }))).status).toBe(422);
    expect((await postJson(app.url, '/orders', orderBody('lite-unknown', { faults: { commitThenUnknown: true } }))).status).toBe(202);
    await eventually(async () => (await consumersOf(app, 'lite-ok')).length === 3, 15_000, 'the committed order');
    await eventually(async () => (await consumersOf(app, 'lite-unknown')).length === 3, 20_000, 'the check-back commit');
    expect(await consumersOf(app, 'lite-ok')).toEqual(EFFECT_CONSUMERS_SORTED);
    expect(await consumersOf(app, 'lite-fail')).toEqual([]);
    expect((await getJson(app.url, '/orders/lite-fail')).status).toBe(404);
  }, 45_000);
});
