-- upsert-catalog-entry: see UPSERT_CATALOG_ENTRY in src/store/redis-scripts.ts
local stored = redis.call('HGET', KEYS[2], 'v:' .. ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
end
redis.call('HSET', KEYS[2], 'v:' .. ARGV[1], ARGV[2])
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '' then
  if not existing then
    return tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
  end
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  if existing == ARGV[3] then
    return tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
  end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[2], 'generatedAt', ARGV[4])
return redis.call('HINCRBY', KEYS[2], 'version', 1)
