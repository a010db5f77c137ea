/**
 * The seckill app's whole configuration, read from the environment and validated by one zod schema.
 * Absent services mean the embedded default: no ROCKETMQ_NAMESRV → an EmbeddedRocketMQ, no
 * DATABASE_URL → PGlite, no REDIS_URL → the in-process gate.
 */
import { z } from 'zod';

export const SECKILL_ROLES = ['all', 'api', 'consumer'] as const;
export type SeckillRole = (typeof SECKILL_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z
  .object({
    SECKILL_ROLE: z.enum(SECKILL_ROLES).default('all'),
    HTTP_HOST: z.string().trim().min(1).default('0.0.0.0'),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    ROCKETMQ_NAMESRV: optionalText.pipe(
      z.string().regex(/^[^\s:;]+:\d{1,5}(;[^\s:;]+:\d{1,5})*$/, 'expected host:port, several separated by ";"').optional(),
    ),
    ROCKETMQ_STORE_DIR: optionalText,
    SECKILL_TOPIC: z.string().regex(/^[\w%|-]{1,127}$/, 'letters, digits, %, |, - and _ only').default('seckill_orders'),
    SECKILL_CONSUMER_GROUP: z.string().regex(/^[\w%|-]{1,255}$/).default('seckill_order_consumer'),
    SECKILL_PRODUCER_GROUP: z.string().regex(/^[\w%|-]{1,255}$/).default('seckill_api_producer'),
    DATABASE_URL: optionalText.pipe(
      z.string().regex(/^(postgres|postgresql|mysql|mariadb):\/\//, 'expected postgres://... or mysql://...').optional(),
    ),
    DATABASE_SCHEMA: optionalText.pipe(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').optional()),
    DATABASE_POOL_SIZE: positiveInt(10),
    PGLITE_DATA_DIR: optionalText,
    REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, 'expected redis://... or rediss://...').optional()),
    REDIS_KEY_PREFIX: z.string().min(1).default('seckill:'),
    ORDER_RATE_PER_SEC: positiveInt(500),
    ORDER_CONSUMER_CONCURRENCY: positiveInt(64),
    ORDER_MAX_ATTEMPTS: positiveInt(5),
    SALE_DEFAULT_RATE_PER_SEC: positiveInt(5000),
    SOLD_OUT_MEMO_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    SHUTDOWN_DRAIN_TIMEOUT_MS: positiveInt(10_000),
  })
  .superRefine((env, ctx) => {
    // the in-process gate and PGlite live inside one process: a split deployment needs shared services
    if (env.SECKILL_ROLE !== 'all') {
      for (const name of ['REDIS_URL', 'DATABASE_URL'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `required when SECKILL_ROLE=${env.SECKILL_ROLE} (api and consumer processes must share the gate and the database)` });
      }
    }
    if (env.DATABASE_SCHEMA && env.DATABASE_URL && !/^postgres/.test(env.DATABASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_SCHEMA'], message: 'only applies to PostgreSQL; for MySQL name the database in DATABASE_URL' });
    }
  });

export type SeckillEnv = z.input<typeof envSchema>;

export interface SeckillConfig {
  role: SeckillRole;
  http: { host: string; port: number };
  rocketmq: { nameServer: string | undefined; storeDir: string | undefined; topic: string; consumerGroup: string; producerGroup: string };
  database: { url: string | undefined; schema: string | undefined; poolSize: number; pgliteDataDir: string | undefined };
  redis: { url: string | undefined; keyPrefix: string };
  orders: { ratePerSec: number; concurrency: number; maxAttempts: number };
  /** soldOutMemoMs: how long an API instance answers sold_out from memory after the gate said so (0: never). */
  sales: { defaultRatePerSec: number; soldOutMemoMs: number };
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownDrainTimeoutMs: number;
}

/** Thrown at start when a variable is invalid; the message names every bad variable. */
export class SeckillConfigError extends Error {
  readonly code = 'SECKILL_CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid seckill configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'SeckillConfigError';
  }
}

/** Reads and validates the environment (default `process.env`). */
export function loadSeckillConfig(env: Record<string, string | undefined> = process.env): SeckillConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new SeckillConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    role: e.SECKILL_ROLE,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    rocketmq: { nameServer: e.ROCKETMQ_NAMESRV, storeDir: e.ROCKETMQ_STORE_DIR, topic: e.SECKILL_TOPIC, consumerGroup: e.SECKILL_CONSUMER_GROUP, producerGroup: e.SECKILL_PRODUCER_GROUP },
    database: { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA, poolSize: e.DATABASE_POOL_SIZE, pgliteDataDir: e.PGLITE_DATA_DIR },
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    orders: { ratePerSec: e.ORDER_RATE_PER_SEC, concurrency: e.ORDER_CONSUMER_CONCURRENCY, maxAttempts: e.ORDER_MAX_ATTEMPTS },
    sales: { defaultRatePerSec: e.SALE_DEFAULT_RATE_PER_SEC, soldOutMemoMs: e.SOLD_OUT_MEMO_MS },
    logLevel: e.LOG_LEVEL,
    shutdownDrainTimeoutMs: e.SHUTDOWN_DRAIN_TIMEOUT_MS,
  };
}

/** A configured service could not be used at start; the message names the variable that points at it. */
export class SeckillStartupError extends Error {
  readonly code = 'SECKILL_SERVICE_UNAVAILABLE';
  constructor(variable: string, target: string, cause: unknown) {
    super(`${variable} (${target}) is not usable: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'SeckillStartupError';
  }
}

/** The URL without its credentials, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
