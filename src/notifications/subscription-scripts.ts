import { LuaScript } from '../store/lua-script.js';

/**
 * Creates a subscription unless its owner already holds the maximum (SPEC §5), in one atomic step:
 * concurrent creates by one subject cannot pass the limit together.
 *
 * KEYS: 1 subscriptions hash
 * ARGV: 1 owner, 2 limit, 3 subscription id, 4 subscription JSON
 * Returns {1, count after} or {0, count}.
 */
export const CREATE_SUBSCRIPTION = new LuaScript(`
local count = 0
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  if cjson.decode(raw).owner == ARGV[1] then count = count + 1 end
end
if count >= tonumber(ARGV[2]) then return {0, count} end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
return {1, count + 1}
`);

/**
 * Appends one delivery attempt to a subscription's log, keeping the newest ones only, and only
 * while the subscription exists: an attempt that ends after its subscription was deleted does not
 * bring the deleted log back.
 *
 * KEYS: 1 subscriptions hash, 2 the subscription's delivery log
 * ARGV: 1 subscription id, 2 attempt JSON, 3 attempts kept
 * Returns 1 when recorded, 0 when the subscription is gone.
 */
export const RECORD_DELIVERY_ATTEMPT = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
return 1
`);
