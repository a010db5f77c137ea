/** The gate on Redis: one Lua script per decision (see redis-gate-scripts.ts), shared by every API instance. */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { CREATE_SALE, RELEASE, TRY_ACQUIRE } from './redis-gate-scripts.js';
import type { AcquireResult, GateSaleState, GateTicket, RejectionReason, SaleDefinition, SeckillGate } from './seckill-gate.js';

/** A script run by its SHA, loaded again when the server does not know it (restart, SCRIPT FLUSH). */
class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const scripts = { createSale: new LuaScript(CREATE_SALE), tryAcquire: new LuaScript(TRY_ACQUIRE), release: new LuaScript(RELEASE) };

export class RedisGate implements SeckillGate {
  readonly kind = 'redis' as const;

  /** `prefix` isolates deployments (and test runs) sharing one Redis. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, prefix: string): Promise<RedisGate> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true });
    redis.on('error', () => undefined); // ioredis reconnects by itself; failed commands reject
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    return new RedisGate(redis, prefix);
  }

  private saleKey(sku: string) {
    return `${this.prefix}sale:{${sku}}`;
  }
  private holdersKey(sku: string) {
    return `${this.prefix}sale:{${sku}}:holders`;
  }
  private ticketKey(ticketId: string) {
    return `${this.prefix}ticket:${ticketId}`;
  }

  async createSale(sale: SaleDefinition): Promise<boolean> {
    const created = await scripts.createSale.run(this.redis, [this.saleKey(sale.sku)], [sale.stock, sale.startsAt, sale.ratePerSec, sale.burst]);
    return created === 1;
  }

  async tryAcquire(sku: string, userId: string, ticketId: string): Promise<AcquireResult> {
    const reply = (await scripts.tryAcquire.run(this.redis, [this.saleKey(sku), this.holdersKey(sku), this.ticketKey(ticketId)], [userId, ticketId, sku])) as [string, string?];
    const [outcome, ticket] = reply;
    if (outcome === 'accepted') return { outcome, ticketId: ticket! };
    return ticket === undefined ? { outcome: outcome as RejectionReason } : { outcome: outcome as RejectionReason, ticketId: ticket };
  }

  async release(sku: string, userId: string, ticketId: string): Promise<boolean> {
    const released = await scripts.release.run(this.redis, [this.saleKey(sku), this.holdersKey(sku), this.ticketKey(ticketId)], [userId, ticketId]);
    return released === 1;
  }

  async getSale(sku: string): Promise<GateSaleState | undefined> {
    const [stock, remaining, startsAt, rate, burst] = await this.redis.hmget(this.saleKey(sku), 'stock', 'remaining', 'startsAt', 'rate', 'burst');
    if (stock === null) return undefined;
    return { sku, stock: Number(stock), remaining: Number(remaining), startsAt: Number(startsAt), ratePerSec: Number(rate), burst: Number(burst) };
  }

  async findTicket(ticketId: string): Promise<GateTicket | undefined> {
    const value = await this.redis.get(this.ticketKey(ticketId));
    if (value === null) return undefined;
    const cut = value.indexOf('\n');
    return { ticketId, sku: value.slice(0, cut), userId: value.slice(cut + 1) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
