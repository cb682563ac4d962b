import { LuaScript } from './lua-script.js';

/**
 * Atomic Redis work as Lua scripts, named after what they do. Each runs as one unit: a reader never
 * sees half of a commit, and a crash never leaves half of one behind.
 */

/**
 * Commits one event of one connector: compare-and-set on `version`, the new snapshot, the history
 * entry, index moves, acceptance-run records and the outbox entries of its side effects.
 *
 * KEYS: 1 connector hash, 2 history list, 3 outbox stream, 4 all-connectors index,
 *       5 old level index, 6 old status index, 7 new level index, 8 new status index,
 *       9 type index, 10 runs hash, 11 old state index, 12 new state index,
 *       13 definition ids hash (definitionId → connector id), LAST (14): the guard key
 * ARGV: 1 expected version (0 = create), 2 connector id, 3 snapshot JSON, 4 history entry JSON,
 *       5 number of runs R, then R pairs (runId, run JSON), then outbox entry JSONs,
 *       LAST: the guard value ('' = no guard)
 * The guard is always the last key and the last argument, whatever comes before them: the commit
 * happens only if the guard key still holds the guard value (a missing key reads '0'). The archival
 * sweep uses it with the connector's usage stamp (SPEC §10).
 * Returns {1, newVersion} or {0, reason, currentVersion}; reason 'guard' when the guard moved;
 * reason 'definition' carries the id of the connector that holds the definitionId instead of a
 * version.
 */
export const COMMIT_EVENT = new LuaScript(`
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
redis.call('ZADD', KEYS[4], 0, id)
if KEYS[5] ~= KEYS[7] then redis.call('ZREM', KEYS[5], id) end
if KEYS[6] ~= KEYS[8] then redis.call('ZREM', KEYS[6], id) end
redis.call('ZADD', KEYS[7], 0, id)
redis.call('ZADD', KEYS[8], 0, id)
redis.call('ZADD', KEYS[9], 0, id)
if KEYS[11] ~= KEYS[12] then redis.call('ZREM', KEYS[11], id) end
redis.call('ZADD', KEYS[12], 0, id)
local runs = tonumber(ARGV[5])
local i = 6
for _ = 1, runs do
  redis.call('HSETNX', KEYS[10], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i < #ARGV do
  redis.call('XADD', KEYS[3], '*', 'effect', ARGV[i])
  i = i + 1
end
return {1, version}
`);

/**
 * Updates one connector's entry in the public catalog if it is newer than the stored one.
 * KEYS: 1 catalog entries hash, 2 catalog meta hash
 * ARGV: 1 connector id, 2 connector version, 3 entry JSON ('' = remove), 4 now ISO
 * Returns the catalog version after the call.
 */
export const UPSERT_CATALOG_ENTRY = new LuaScript(`
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
`);

/**
 * Saves an acceptance-run record unless the stored one is final: once a run has an outcome, that
 * record is the one whose result the machine gets, and a duplicate run (a job handed back after a
 * stall while its first run went on) never overwrites it.
 *
 * KEYS: 1 runs hash
 * ARGV: 1 run id, 2 run JSON
 * Returns {1} when saved, or {0, stored JSON} when the stored record is final.
 */
export const SAVE_RUN_UNLESS_FINAL = new LuaScript(`
local final = {passed = true, failed = true, timeout = true, error = true}
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  local ok, run = pcall(cjson.decode, stored)
  if ok and type(run) == 'table' and final[run.status] then return {0, stored} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1}
`);
