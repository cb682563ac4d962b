-- create-subscription: see CREATE_SUBSCRIPTION in src/notifications/subscription-scripts.ts
local count = 0
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  if cjson.decode(raw).owner == ARGV[1] then count = count + 1 end
end
if count >= tonumber(ARGV[2]) then return {0, count} end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('INCR', KEYS[2])
-- The notice is a hint: an ACL without the channel refuses it, and the create stands.
redis.pcall('PUBLISH', ARGV[5], ARGV[3])
return {1, count + 1}
