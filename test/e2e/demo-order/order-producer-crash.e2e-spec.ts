/**
 * The producer really dies between its DB commit and END_TRANSACTION: the app runs as a child
 * process (src/main.ts) that SIGKILLs itself right after committing a flagged order. Restarted
 * (same producer group), it answers the broker's check-back from tx_log: COMMIT, and the consumers
 * apply the order. Likewise after a status change commits and before its ordered message is sent:
 * the restarted app's outbox relay sends it. The broker and PostgreSQL outlive the crash, as they
 * would in production.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { RunningEmbeddedRocketMQ } from '../../../libs/broker/src/index.js';
import { startEmbedded } from '../support/embedded.js';
import { orderBody, POSTGRES_URL, testSchema, type TestSchema } from './support/order-harness.js';
import { runOrderMain, type OrderProcess } from './support/order-process.js';

let mq: RunningEmbeddedRocketMQ;
let schema: TestSchema;
let db: pg.Client;
const running: OrderProcess[] = [];

async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.query(sql, params)).rows as Record<string, unknown>[];
}

async function waitFor(what: string, condition: () => Promise<boolean>, app: OrderProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen:\n${app.output().slice(-6000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function trackedVersion(orderId: string): Promise<number> {
  return Number((await rows(`SELECT version FROM order_status_view WHERE order_id = $1`, [orderId]))[0]?.['version'] ?? 0);
}

function appEnv(): Record<string, string> {
  return {
    ROCKETMQ_NAMESRV: mq.nameServer,
    DATABASE_URL: POSTGRES_URL,
    DATABASE_SCHEMA: schema.name,
    HTTP_PORT: '0',
    ORDER_FAULTS_ENABLED: 'true',
    ORDER_LOCAL_TX_TIMEOUT_MS: '1000',
    ORDER_PRODUCER_GROUP: 'demo_order_crash_test',
    LOG_LEVEL: 'info',
  };
}

beforeAll(async () => {
  // Checks every 500 ms, and up to 200 of them: the broker counts a check even while no producer of the
  // group is connected, and the default 15 would discard the half message before the restart is up.
  // The orderly status tracker's queue locks of a SIGKILLed app outlive it until they expire (60 s by
  // default, as in Apache RocketMQ); 5 s lets the next app take them within the test.
  mq = await startEmbedded({ brokerConfig: { transactionCheckInterval: 500, transactionTimeOut: 500, transactionCheckMax: 200, rebalanceLockMaxLiveTime: 5_000 } });
  schema = testSchema('demo_order_crash');
  // the schema's name is on the search path before the app creates it; the tables resolve once they exist
  db = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${schema.name}"` });
  await db.connect();
}, 30_000);

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await db?.end();
  await mq?.stop();
  await schema?.drop();
}, 30_000);

describe('a producer killed (SIGKILL) after its local commit, before END_TRANSACTION', () => {
  it('leaves a committed order that the restarted app commits on check-back and the consumers apply once', async () => {
    const first = await runOrderMain(appEnv());
    running.push(first);

    const request = fetch(`${first.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(orderBody('killed-1', { faults: { killAfterCommit: true } })),
    });
    await expect(request).rejects.toThrow(); // the process died before answering
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await rows(`SELECT id, status FROM orders WHERE id = 'killed-1'`)).toEqual([{ id: 'killed-1', status: 'created' }]);
    expect(await rows(`SELECT order_id FROM tx_log WHERE order_id = 'killed-1'`)).toHaveLength(1);
    expect(await rows(`SELECT consumer FROM consumed WHERE order_id = 'killed-1'`)).toEqual([]);

    const second = await runOrderMain(appEnv());
    running.push(second);
    const deadline = Date.now() + 30_000;
    while ((await rows(`SELECT consumer FROM consumed WHERE order_id = 'killed-1'`)).length < 3) {
      if (Date.now() > deadline) throw new Error(`the restarted app did not commit the order:\n${second.output().split("\n").filter((l) => !/is locked by another client/.test(l)).join("\n").slice(-6000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(second.output()).toMatch(/check-back: order killed-1 \(transaction [0-9A-F]+\) committed → COMMIT/);
    expect((await rows(`SELECT consumer FROM consumed WHERE order_id = 'killed-1' ORDER BY consumer`)).map((r) => r['consumer'])).toEqual(['inventory', 'notification', 'points']);
    expect(await rows(`SELECT COUNT(*)::int AS n FROM notifications WHERE order_id = 'killed-1'`)).toEqual([{ n: 1 }]);

    // SIGTERM: graceful shutdown (consumers drain, offsets committed), exit code 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe('an app killed (SIGKILL) after a status change commits, before its ordered message is sent', () => {
  it('keeps the change in the outbox; the restarted app sends it, and the next change waits for it', async () => {
    const first = await runOrderMain(appEnv());
    running.push(first);
    const placed = await fetch(`${first.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(orderBody('paid-killed')) });
    expect(placed.status).toBe(201);
    await waitFor('the created event on the status stream', async () => (await trackedVersion('paid-killed')) === 1, first);

    const pay = fetch(`${first.url}/orders/paid-killed/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: { killAfterCommit: true } }) });
    await expect(pay).rejects.toThrow(); // the process died before answering
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await rows(`SELECT status, version FROM orders WHERE id = 'paid-killed'`)).toEqual([{ status: 'paid', version: 2 }]);
    expect(await rows(`SELECT status, version FROM status_outbox WHERE order_id = 'paid-killed'`)).toEqual([{ status: 'paid', version: 2 }]);
    expect(await trackedVersion('paid-killed')).toBe(1);

    // a longer relay interval, so the first ship below surely comes before the relay's first round
    const second = await runOrderMain({ ...appEnv(), ORDER_OUTBOX_INTERVAL_MS: '3000' });
    running.push(second);
    const early = await fetch(`${second.url}/orders/paid-killed/ship`, { method: 'POST' });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { message: string }).message).toMatch(/previous status change is not on the status stream yet/);

    await waitFor('the outbox relay sending the paid event', async () => (await trackedVersion('paid-killed')) === 2, second);
    expect(await rows(`SELECT 1 FROM status_outbox WHERE order_id = 'paid-killed'`)).toEqual([]);
    expect(second.output()).toMatch(/outbox relay: sent 1 status change\(s\) left unsent \(paid-killed paid\)/);

    const ship = await fetch(`${second.url}/orders/paid-killed/ship`, { method: 'POST' });
    expect(ship.status).toBe(200);
    await waitFor('the shipped event', async () => (await trackedVersion('paid-killed')) === 3, second);
    expect(await rows(`SELECT 1 FROM status_outbox WHERE order_id = 'paid-killed'`)).toEqual([]);
    expect(await rows(`SELECT order_id FROM status_violations WHERE order_id = 'paid-killed'`)).toEqual([]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
