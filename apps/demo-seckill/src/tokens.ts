/** Injection tokens of the seckill app's own providers. */
export const SECKILL_CONFIG = Symbol('SECKILL_CONFIG');
export const SECKILL_GATE = Symbol('SECKILL_GATE');
export const ORDER_REPOSITORY = Symbol('ORDER_REPOSITORY');
export const ORDER_RATE_LIMITER = Symbol('ORDER_RATE_LIMITER');
