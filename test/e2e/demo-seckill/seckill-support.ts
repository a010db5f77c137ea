/**
 * Helpers of the seckill e2e tests: an isolated PostgreSQL schema and Redis key prefix per run
 * (dropped at the end), configs for the app, HTTP calls, waits.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadSeckillConfig, type SeckillConfig } from '../../../apps/demo-seckill/src/config/seckill-config.js';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let counter = 0;
export function runId(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}`;
}

/** A schema and a key prefix for one test file; `drop()` removes both. */
export interface IsolatedServices {
  schema: string;
  keyPrefix: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function isolatedServices(prefix = 'sk'): IsolatedServices {
  const schema = runId(prefix).toLowerCase();
  const keyPrefix = `${schema}:`;
  return {
    schema,
    keyPrefix,
    env: { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
      await deleteKeys(keyPrefix);
    },
  };
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A validated config from test defaults plus `env` (port 0, no logs unless SECKILL_TEST_LOG_LEVEL). */
export function testConfig(env: Record<string, string>): SeckillConfig {
  return loadSeckillConfig({ HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: process.env.SECKILL_TEST_LOG_LEVEL ?? 'silent', SHUTDOWN_DRAIN_TIMEOUT_MS: '3000', ...env });
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function http<T = Record<string, unknown>>(url: string, method: 'GET' | 'POST', body?: unknown): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}
