import { redactUrl, SeckillStartupError, type SeckillConfig } from '../config/seckill-config.js';
import { InProcessGate } from './in-process-gate.js';
import { RedisGate } from './redis-gate.js';
import type { SeckillGate } from './seckill-gate.js';

/** Redis when REDIS_URL is set, else the in-process gate. */
export async function createGate(config: SeckillConfig): Promise<SeckillGate> {
  const { url, keyPrefix } = config.redis;
  if (!url) return new InProcessGate();
  try {
    return await RedisGate.connect(url, keyPrefix);
  } catch (error) {
    throw new SeckillStartupError('REDIS_URL', redactUrl(url), error);
  }
}
