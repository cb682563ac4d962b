-- admit-request: see ADMIT_REQUEST in src/store/redis-scripts.ts
local limit = tonumber(ARGV[1])
local version = redis.call('GET', KEYS[3]) or '0'
if limit > 0 then
  local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
  if failures >= limit then return {1, failures, version} end
end
local count = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 120, 'NX')
return {0, count, version}
