-- claim-catalog-dirty: see CLAIM_CATALOG_DIRTY in src/store/redis-scripts.ts
local ids = redis.call('SPOP', KEYS[1], tonumber(ARGV[1]))
if #ids > 0 then redis.call('SADD', KEYS[2], unpack(ids)) end
return ids
