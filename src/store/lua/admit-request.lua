-- admit-request: see ADMIT_REQUEST in src/store/redis-scripts.ts
local limit = tonumber(ARGV[1])
local version = redis.call('GET', KEYS[3]) or '0'
if limit > 0 then
  local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
  if failures >= limit then return {1, failures, version} end
end
-- The request counter is kept in memory only: not written to the AOF nor sent to replicas, so
-- that counting a request never waits for a disk flush (appendfsync always). A restart or a
-- failover of Redis starts the minute's count afresh.
redis.set_repl(redis.REPL_NONE)
local count = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 120, 'NX')
-- What the route reads first, read here in the same step.
if ARGV[2] == 'connector' then
  return {0, count, version, redis.call('HMGET', KEYS[4], 'version', 'doc')}
elseif ARGV[2] == 'catalog' then
  return {0, count, version, {redis.call('HGET', KEYS[4], 'version')}}
end
return {0, count, version}
