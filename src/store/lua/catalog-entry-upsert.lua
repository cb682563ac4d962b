-- catalog-entry-upsert: the one rule for writing a connector's public catalog entry, included by
-- the scripts that write one (UPSERT_CATALOG_ENTRIES and COMMIT_EVENT, src/store/redis-scripts.ts).
-- The entry is written only if it is newer than the stored one (`v:<id>` in the meta hash holds the
-- connector version it came from); '' removes it. Returns true when the catalog changed.
local function upsertCatalogEntry(entriesKey, metaKey, id, version, entry)
  local stored = redis.call('HGET', metaKey, 'v:' .. id)
  if stored and tonumber(stored) >= tonumber(version) then return false end
  redis.call('HSET', metaKey, 'v:' .. id, version)
  if entry == '' then return redis.call('HDEL', entriesKey, id) == 1 end
  -- A newer version is always a change: the entry names its version.
  redis.call('HSET', entriesKey, id, entry)
  return true
end

-- Moves the catalog's version on (once per script that changed entries); returns the new version.
local function catalogChanged(metaKey, generatedAt)
  redis.call('HSET', metaKey, 'generatedAt', generatedAt)
  return redis.call('HINCRBY', metaKey, 'version', 1)
end
