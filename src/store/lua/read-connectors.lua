-- read-connectors: see READ_CONNECTORS in src/store/redis-scripts.ts
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('HMGET', KEYS[i], 'version', 'doc')
end
return out
