-- upsert-catalog-entries: see UPSERT_CATALOG_ENTRIES in src/store/redis-scripts.ts
local changed = false
for i = 2, #ARGV, 3 do
  local id, version, entry = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local stored = redis.call('HGET', KEYS[2], 'v:' .. id)
  if not stored or tonumber(stored) < tonumber(version) then
    redis.call('HSET', KEYS[2], 'v:' .. id, version)
    local existing = redis.call('HGET', KEYS[1], id)
    if entry == '' then
      if existing then
        redis.call('HDEL', KEYS[1], id)
        changed = true
      end
    elseif existing ~= entry then
      redis.call('HSET', KEYS[1], id, entry)
      changed = true
    end
  end
end
if not changed then
  return tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
end
redis.call('HSET', KEYS[2], 'generatedAt', ARGV[1])
return redis.call('HINCRBY', KEYS[2], 'version', 1)
