import { describe, expect, it } from '@jest/globals';
import { loadSeckillConfig, SeckillConfigError } from './seckill-config.js';

describe('seckill configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadSeckillConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(SeckillConfigError);
      return (error as SeckillConfigError).problems;
    }
    throw new Error('expected a SeckillConfigError');
  };

  it('has embedded defaults', () => {
    const config = loadSeckillConfig({});
    expect(config).toMatchObject({ role: 'all', http: { port: 3001 }, orders: { ratePerSec: 500 }, rocketmq: { nameServer: undefined }, database: { url: undefined }, redis: { url: undefined } });
  });

  it('names every invalid variable', () => {
    expect(problems({ HTTP_PORT: 'eighty', ORDER_RATE_PER_SEC: '-5', ROCKETMQ_NAMESRV: 'localhost', DATABASE_URL: 'sqlite://x', REDIS_URL: 'localhost:6379', SECKILL_ROLE: 'worker' })).toEqual([
      expect.stringMatching(/^SECKILL_ROLE:/),
      expect.stringMatching(/^HTTP_PORT:/),
      expect.stringMatching(/^ROCKETMQ_NAMESRV: expected host:port/),
      expect.stringMatching(/^DATABASE_URL: expected postgres/),
      expect.stringMatching(/^REDIS_URL: expected redis/),
      expect.stringMatching(/^ORDER_RATE_PER_SEC:/),
    ]);
  });

  it('requires shared services for a split deployment', () => {
    expect(problems({ SECKILL_ROLE: 'consumer' })).toEqual([expect.stringMatching(/^REDIS_URL: required when SECKILL_ROLE=consumer/), expect.stringMatching(/^DATABASE_URL: required/)]);
    expect(problems({ DATABASE_URL: 'mysql://root@127.0.0.1/test', DATABASE_SCHEMA: 'x' })).toEqual([expect.stringMatching(/^DATABASE_SCHEMA: only applies to PostgreSQL/)]);
  });
});
