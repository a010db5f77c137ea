/**
 * The embedded default, as `npm start` runs it: no service configured, so the app starts its own
 * embedded RocketMQ, PGlite in memory and the in-process gate. Also: configuration errors at start.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSeckillApp, type RunningSeckillApp } from '../../../apps/demo-seckill/src/seckill-app.js';
import { eventually, http, pooled, testConfig } from './seckill-support.js';

jest.setTimeout(60_000);

describe('on the embedded default (embedded broker, PGlite, in-process gate)', () => {
  let running: RunningSeckillApp;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'seckill-pglite-'));
  const config = testConfig({ PGLITE_DATA_DIR: dataDir });

  beforeAll(async () => {
    running = await startSeckillApp(config);
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('started its own broker and reports PGlite and the in-process gate', async () => {
    expect(running.embedded).toBeDefined();
    const health = await http<{ info: Record<string, Record<string, string>> }>(`${running.url}/health`, 'GET');
    expect(health.body.info['database']).toMatchObject({ status: 'up', description: `PGlite in ${dataDir}` });
    expect(health.body.info['gate']).toMatchObject({ kind: 'in-process' });
  });

  it('sells exactly the stock under a burst with repeats and settles every ticket', async () => {
    const sku = 'embedded-burst';
    expect((await http(`${running.url}/sales`, 'POST', { sku, stock: 30 })).status).toBe(201);
    const users = Array.from({ length: 300 }, (_, i) => `user-${i % 200}`);
    const answers = await pooled(users.map((userId) => () => http<{ ticketId?: string }>(`${running.url}/seckill`, 'POST', { sku, userId })), 32);
    const tickets = answers.filter((a) => a.status === 202).map((a) => a.body.ticketId!);
    expect(tickets).toHaveLength(30);
    await eventually(
      () => Promise.all(tickets.map((id) => http<{ status: string }>(`${running.url}/seckill/tickets/${id}`, 'GET'))),
      (all) => all.every((t) => t.body.status === 'CREATED'),
      15_000,
      'every ticket CREATED',
    );
    const sale = await http(`${running.url}/sales/${sku}`, 'GET');
    expect(sale.body).toMatchObject({ remaining: 0, orders: 30, distinctUsers: 30, ticketsCreated: 30, ticketsFailed: 0 });
  });

  it('rebuilds the in-process gate from the orders after a restart on the same data dir', async () => {
    const sku = 'restart-sku';
    await http(`${running.url}/sales`, 'POST', { sku, stock: 3 });
    const alice = await http<{ ticketId: string }>(`${running.url}/seckill`, 'POST', { sku, userId: 'alice' });
    await http(`${running.url}/seckill`, 'POST', { sku, userId: 'bob' });
    await eventually(() => http<{ orders: number }>(`${running.url}/sales/${sku}`, 'GET'), (s) => s.body.orders === 2, 15_000, 'two orders');
    await running.close();

    running = await startSeckillApp(config);
    expect((await http(`${running.url}/sales/${sku}`, 'GET')).body).toMatchObject({ stock: 3, remaining: 1, orders: 2 });
    expect(await http(`${running.url}/seckill`, 'POST', { sku, userId: 'alice' })).toEqual({ status: 409, body: { outcome: 'repeat', ticketId: alice.body.ticketId } });
    expect((await http(`${running.url}/seckill`, 'POST', { sku, userId: 'carol' })).status).toBe(202);
    expect((await http(`${running.url}/seckill`, 'POST', { sku, userId: 'dave' })).status).toBe(410);
  });
});

describe('configuration at start', () => {
  it('fails to start, naming the variable, when the database or Redis cannot be reached', async () => {
    const noDatabase = testConfig({ DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/test', REDIS_URL: 'redis://127.0.0.1:6379' });
    await expect(startSeckillApp(noDatabase)).rejects.toThrow(/^DATABASE_URL \(postgres:\/\/127\.0\.0\.1:1\/test\) is not usable: .*ECONNREFUSED/);
    const noRedis = testConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(startSeckillApp(noRedis)).rejects.toThrow(/^REDIS_URL \(redis:\/\/127\.0\.0\.1:1\) is not usable/);
  });
});
