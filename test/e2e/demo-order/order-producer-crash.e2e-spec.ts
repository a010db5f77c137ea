/**
 * The producer really dies between its DB commit and END_TRANSACTION: the app runs as a child
 * process (src/main.ts) that SIGKILLs itself right after committing a flagged order. Restarted
 * (same producer group), it answers the broker's check-back from tx_log: COMMIT, and the consumers
 * apply the order. The broker and PostgreSQL outlive the crash, as they would in production.
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
  mq = await startEmbedded({ brokerConfig: { transactionCheckInterval: 500, transactionTimeOut: 500, transactionCheckMax: 200 } });
  schema = testSchema('demo_order_crash');
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
    db = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${schema.name}"` });
    await db.connect();

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
