/**
 * The demo's whole configuration, read from the environment and validated once at start.
 * A bad value fails start-up with an error naming the variable.
 */
import { z } from 'zod';

export const CONSUMER_NAMES = ['inventory', 'points', 'notification', 'status'] as const;
export type ConsumerName = (typeof CONSUMER_NAMES)[number];

export const ROLES = ['api', 'consumers', 'all'] as const;
export type OrderAppRole = (typeof ROLES)[number];

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const positiveInt = z.coerce.number().int().positive();

const environmentSchema = z.object({
  /** Absent: the entry starts an embedded RocketMQ. */
  ROCKETMQ_NAMESRV: z
    .string()
    .regex(/^[^\s:;]+:\d{1,5}(;[^\s:;]+:\d{1,5})*$/, 'expected host:port[;host:port...]')
    .optional(),
  /** postgres://, postgresql:// or mysql://; absent: PGlite in this process. */
  DATABASE_URL: z
    .string()
    .regex(/^(postgres|postgresql|mysql):\/\/.+/, 'expected a postgres://, postgresql:// or mysql:// URL')
    .optional(),
  /** PostgreSQL only: schema for the demo's tables (created when missing); default "public". */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier').optional(),
  /** PGlite only: data directory; absent: in memory. */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  ORDER_APP_ROLE: z.enum(ROLES).default('all'),
  /** Comma-separated subset of inventory, points, notification, status; default all of them. */
  ORDER_CONSUMERS: z
    .string()
    .default(CONSUMER_NAMES.join(','))
    .transform((s) => s.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(z.enum(CONSUMER_NAMES))),
  /** Producer group shared by every instance that may answer check-backs. */
  ORDER_PRODUCER_GROUP: z.string().regex(/^[\w-]{1,120}$/).default('demo_order_producer'),
  /**
   * Upper bound of one local transaction, ms: executeLocalTransaction refuses to commit after it, so a
   * check-back that finds no tx_log row for an older half message may answer ROLLBACK.
   */
  ORDER_LOCAL_TX_TIMEOUT_MS: positiveInt.default(10_000),
  /** How often the outbox relay sends status changes a crash or a failed send left unsent, ms. */
  ORDER_OUTBOX_INTERVAL_MS: positiveInt.default(1_000),
  /** Accept the `faults` field of POST /orders and of pay/ship (acceptance and tests only). */
  ORDER_FAULTS_ENABLED: booleanFlag.default(false),
  /** Embedded broker only: check-back interval and the age before a half message is checked, ms. */
  EMBEDDED_TX_CHECK_INTERVAL_MS: positiveInt.default(5_000),
  EMBEDDED_TX_TIMEOUT_MS: positiveInt.default(3_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFlag.default(false),
});

export type OrderAppConfig = {
  rocketmqNameServer: string | undefined;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  pgliteDataDir: string | undefined;
  httpPort: number;
  httpHost: string;
  role: OrderAppRole;
  consumers: ConsumerName[];
  producerGroup: string;
  localTxTimeoutMs: number;
  faultsEnabled: boolean;
  outboxIntervalMs: number;
  embeddedTxCheckIntervalMs: number;
  embeddedTxTimeoutMs: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  logPretty: boolean;
};

export class OrderConfigError extends Error {
  override name = 'OrderConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid demo-order configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the environment (default process.env); throws OrderConfigError listing each bad variable. */
export function loadOrderConfig(env: Readonly<Record<string, string | undefined>> = process.env): OrderAppConfig {
  const parsed = environmentSchema.safeParse(emptyAsAbsent(env));
  if (!parsed.success) {
    throw new OrderConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    rocketmqNameServer: e.ROCKETMQ_NAMESRV,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    pgliteDataDir: e.PGLITE_DATA_DIR,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    role: e.ORDER_APP_ROLE,
    consumers: [...new Set(e.ORDER_CONSUMERS)],
    producerGroup: e.ORDER_PRODUCER_GROUP,
    localTxTimeoutMs: e.ORDER_LOCAL_TX_TIMEOUT_MS,
    faultsEnabled: e.ORDER_FAULTS_ENABLED,
    outboxIntervalMs: e.ORDER_OUTBOX_INTERVAL_MS,
    embeddedTxCheckIntervalMs: e.EMBEDDED_TX_CHECK_INTERVAL_MS,
    embeddedTxTimeoutMs: e.EMBEDDED_TX_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY,
  };
}

/** `FOO=` in a shell means "not set" for our purposes. */
function emptyAsAbsent(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}
