/**
 * The Redis gate's Lua scripts. Each runs atomically on the server, so the checks and the writes of
 * one request cannot interleave with another's. Keys: `sale` hash (stock, remaining, startsAt, rate,
 * burst, tokens, ts), `holders` hash (userId → ticketId), `ticket` string ("sku\nuserId").
 */

/** KEYS: sale. ARGV: stock, startsAt, rate, burst. Returns 1 when created, 0 when the SKU exists. */
export const CREATE_SALE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'stock', ARGV[1], 'remaining', ARGV[1], 'startsAt', ARGV[2],
  'rate', ARGV[3], 'burst', ARGV[4], 'tokens', ARGV[4], 'ts', now)
return 1
`;

/**
 * KEYS: sale, holders, ticket. ARGV: userId, ticketId, sku.
 * Returns {outcome} or {outcome, ticketId}: start time, then repeat, then stock, then the token bucket;
 * only an acceptance takes a token, a unit of stock and records the user and the ticket.
 */
export const TRY_ACQUIRE = `
local sale = redis.call('HMGET', KEYS[1], 'remaining', 'startsAt', 'rate', 'burst', 'tokens', 'ts')
if not sale[1] then return {'unknown_sale'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < tonumber(sale[2]) then return {'not_started'} end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then return {'repeat', held} end
if tonumber(sale[1]) <= 0 then return {'sold_out'} end
local rate, burst = tonumber(sale[3]), tonumber(sale[4])
local elapsed = math.max(0, now - tonumber(sale[6]))
local tokens = math.min(burst, tonumber(sale[5]) + elapsed * rate / 1000)
if tokens < 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
  return {'rate_limited'}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'ts', now)
redis.call('HINCRBY', KEYS[1], 'remaining', -1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3] .. '\\n' .. ARGV[1])
return {'accepted', ARGV[2]}
`;

/** KEYS: sale, holders, ticket. ARGV: userId, ticketId. 1 when the unit went back, 0 when the user no longer held this ticket. */
export const RELEASE = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'remaining', 1)
redis.call('DEL', KEYS[3])
return 1
`;
