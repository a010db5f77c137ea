/** One behaviour spec for both gates: the in-process one and the Redis one (on the real local Redis). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessGate } from '../../../apps/demo-seckill/src/gate/in-process-gate.js';
import { RedisGate } from '../../../apps/demo-seckill/src/gate/redis-gate.js';
import type { SaleDefinition, SeckillGate } from '../../../apps/demo-seckill/src/gate/seckill-gate.js';
import { REDIS_URL, deleteKeys, runId } from './seckill-support.js';

const redisPrefix = `${runId('gate')}:`;
const implementations: [string, () => Promise<SeckillGate>][] = [
  ['in-process', async () => new InProcessGate()],
  ['redis', () => RedisGate.connect(REDIS_URL, redisPrefix)],
];

afterAll(() => deleteKeys(redisPrefix));

describe.each(implementations)('%s gate', (_name, open) => {
  let gate: SeckillGate;
  let n = 0;
  const sale = (overrides: Partial<SaleDefinition> = {}): SaleDefinition => ({ sku: `sku-${n++}`, stock: 3, startsAt: Date.now() - 1000, ratePerSec: 10_000, burst: 10_000, ...overrides });

  beforeAll(async () => {
    gate = await open();
  });
  afterAll(() => gate.close());

  it('creates a sale once per SKU', async () => {
    const s = sale();
    expect(await gate.createSale(s)).toBe(true);
    expect(await gate.createSale(s)).toBe(false);
    expect(await gate.getSale(s.sku)).toEqual({ ...s, remaining: 3 });
    expect(await gate.getSale('no-such-sku')).toBeUndefined();
  });

  it('accepts until the stock is gone, then answers sold_out', async () => {
    const s = sale();
    await gate.createSale(s);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await gate.tryAcquire(s.sku, `u${i}`, `t-${s.sku}-${i}`)).outcome);
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'sold_out', 'sold_out']);
    expect((await gate.getSale(s.sku))!.remaining).toBe(0);
  });

  it('never takes more than the stock nor one user twice under concurrent calls', async () => {
    const s = sale({ stock: 20 });
    await gate.createSale(s);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => gate.tryAcquire(s.sku, `u${i % 60}`, `t-${s.sku}-${i}`)));
    const accepted = results.filter((r) => r.outcome === 'accepted');
    expect(accepted).toHaveLength(20);
    expect(new Set(accepted.map((r) => r.ticketId)).size).toBe(20);
    const holders = await Promise.all(accepted.map((r) => gate.findTicket(r.ticketId!)));
    expect(new Set(holders.map((h) => h!.userId)).size).toBe(20);
    expect((await gate.getSale(s.sku))!.remaining).toBe(0);
  });

  it('answers repeat with the ticket the user holds', async () => {
    const s = sale();
    await gate.createSale(s);
    expect(await gate.tryAcquire(s.sku, 'alice', 't1')).toEqual({ outcome: 'accepted', ticketId: 't1' });
    expect(await gate.tryAcquire(s.sku, 'alice', 't2')).toEqual({ outcome: 'repeat', ticketId: 't1' });
    expect(await gate.findTicket('t1')).toEqual({ ticketId: 't1', sku: s.sku, userId: 'alice' });
    expect(await gate.findTicket('t2')).toBeUndefined();
  });

  it('rejects before the start time and for an unknown SKU', async () => {
    const s = sale({ startsAt: Date.now() + 3_600_000 });
    await gate.createSale(s);
    expect((await gate.tryAcquire(s.sku, 'bob', 't')).outcome).toBe('not_started');
    expect((await gate.tryAcquire('no-such-sku', 'bob', 't')).outcome).toBe('unknown_sale');
  });

  it('limits the rate per SKU with a token bucket, without taking stock for rejected calls', async () => {
    const s = sale({ stock: 100, ratePerSec: 2, burst: 3 });
    await gate.createSale(s);
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push((await gate.tryAcquire(s.sku, `r${i}`, `t-${s.sku}-${i}`)).outcome);
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'rate_limited', 'rate_limited', 'rate_limited']);
    expect((await gate.getSale(s.sku))!.remaining).toBe(97);
    await new Promise((r) => setTimeout(r, 600)); // 2/s refills one token in 500 ms
    expect((await gate.tryAcquire(s.sku, 'late', `t-${s.sku}-late`)).outcome).toBe('accepted');
  });

  it('releases a unit once, only while the user holds that ticket', async () => {
    const s = sale({ stock: 1 });
    await gate.createSale(s);
    await gate.tryAcquire(s.sku, 'carol', 'tc');
    expect(await gate.release(s.sku, 'carol', 'other-ticket')).toBe(false);
    expect(await gate.release(s.sku, 'carol', 'tc')).toBe(true);
    expect(await gate.release(s.sku, 'carol', 'tc')).toBe(false);
    expect((await gate.getSale(s.sku))!.remaining).toBe(1);
    expect(await gate.findTicket('tc')).toBeUndefined();
    // the user may try again, and the unit is there
    expect((await gate.tryAcquire(s.sku, 'carol', 'tc2')).outcome).toBe('accepted');
  });
});
