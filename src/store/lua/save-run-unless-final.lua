-- save-run-unless-final: see SAVE_RUN_UNLESS_FINAL in src/store/redis-scripts.ts
local final = {passed = true, failed = true, timeout = true, error = true}
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  local ok, run = pcall(cjson.decode, stored)
  if ok and type(run) == 'table' and final[run.status] then return {0, stored} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1}
