import { describe, expect, it } from '@jest/globals';
import { AsyncPool } from './async-pool.js';

describe('AsyncPool', () => {
  it('runs at most `concurrency` tasks at once, in FIFO order', async () => {
    const pool = new AsyncPool(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      return i;
    };
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => pool.run(task(i))));
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('reports idle once every task settled, failures included', async () => {
    const pool = new AsyncPool(1);
    const failing = pool.run(async () => {
      throw new Error('x');
    });
    void pool.run(async () => undefined);
    await expect(failing).rejects.toThrow('x');
    await pool.onIdle();
    expect(pool.running).toBe(0);
    expect(pool.pending).toBe(0);
  });
});
