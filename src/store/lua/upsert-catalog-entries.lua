-- upsert-catalog-entries: see UPSERT_CATALOG_ENTRIES in src/store/redis-scripts.ts
-- (upsertCatalogEntry and catalogChanged come from catalog-entry-upsert.lua)
local changed = false
for i = 2, #ARGV, 3 do
  if upsertCatalogEntry(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1], ARGV[i + 2]) then changed = true end
end
if not changed then
  return tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
end
return catalogChanged(KEYS[2], ARGV[1])
