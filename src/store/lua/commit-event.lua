-- commit-event: see COMMIT_EVENT in src/store/redis-scripts.ts
-- (upsertCatalogEntry and catalogChanged come from catalog-entry-upsert.lua)
local expected = tonumber(ARGV[1])
local current = redis.call('HGET', KEYS[1], 'version')
local definitionId = nil
if expected == 0 then
  if current then return {0, 'exists', tonumber(current)} end
  -- definitionId is unique (SPEC §4): claimed here, in the same step as the create.
  definitionId = cjson.decode(ARGV[3]).context.definitionId
  if type(definitionId) == 'string' then
    local holder = redis.call('HGET', KEYS[13], definitionId)
    if holder and holder ~= ARGV[2] then return {0, 'definition', holder} end
  else
    definitionId = nil
  end
else
  if not current then return {0, 'missing', 0} end
  if tonumber(current) ~= expected then return {0, 'conflict', tonumber(current)} end
end
-- Guard: the last key must still hold the last argument ('' = no guard).
local guard = ARGV[#ARGV]
if guard ~= '' and (redis.call('GET', KEYS[#KEYS]) or '0') ~= guard then
  return {0, 'guard', tonumber(current or '0')}
end
-- Nothing is written before every check passed.
if definitionId then redis.call('HSET', KEYS[13], definitionId, ARGV[2]) end
local version = expected + 1
local id = ARGV[2]
redis.call('HSET', KEYS[1], 'version', version, 'doc', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[4])
-- The indexes move with the state: a create enters every one (the type never changes), a change
-- leaves and enters those of what moved, and an event that moves nothing touches none.
local created = expected == 0
if created then
  redis.call('ZADD', KEYS[4], 0, id)
  redis.call('ZADD', KEYS[9], 0, id)
end
if KEYS[5] ~= KEYS[7] then redis.call('ZREM', KEYS[5], id) end
if created or KEYS[5] ~= KEYS[7] then redis.call('ZADD', KEYS[7], 0, id) end
if KEYS[6] ~= KEYS[8] then redis.call('ZREM', KEYS[6], id) end
if created or KEYS[6] ~= KEYS[8] then redis.call('ZADD', KEYS[8], 0, id) end
if KEYS[11] ~= KEYS[12] then redis.call('ZREM', KEYS[11], id) end
if created or KEYS[11] ~= KEYS[12] then redis.call('ZADD', KEYS[12], 0, id) end
local runs = tonumber(ARGV[5])
local i = 6
for _ = 1, runs do
  redis.call('HSETNX', KEYS[10], ARGV[i], ARGV[i + 1])
  i = i + 2
end
-- The catalog effect is carried out here, in the same step as the change it reflects.
local catalogAt, catalogEntry = ARGV[i], ARGV[i + 1]
i = i + 2
if catalogAt ~= '' and upsertCatalogEntry(KEYS[15], KEYS[16], id, version, catalogEntry) then
  catalogChanged(KEYS[16], catalogAt)
end
-- Each entry carries the subscriptions' version at this commit: the relay's subscription index
-- is current for it when it has seen that version. A notification no subscription wanted as of
-- `unwantedAt` is left out while that is still the version.
local subscriptions = redis.call('GET', KEYS[14]) or '0'
local unwantedAt, unwanted = ARGV[i], ARGV[i + 1]
i = i + 2
local leaveOut = unwantedAt ~= '' and unwantedAt == subscriptions
local entry = 1
while i < #ARGV do
  if not (leaveOut and string.byte(unwanted, entry) == 49) then
    redis.call('XADD', KEYS[3], '*', 'effect', ARGV[i], 'subscriptions', subscriptions)
  end
  i = i + 1
  entry = entry + 1
end
return {1, version}
