-- sweep-scan-batch: see SCAN_BATCH in src/archival/sweep-scan.ts
local call, byte = redis.call, string.byte
local dates = #ARGV
-- The usage window's dates, as a set: a usage hash of a few days more than the window is read
-- whole (HGETALL) and its window's days picked here, which costs Redis less than looking each
-- date up (HMGET); a longer one (years of history) is looked up date by date.
local inWindow = {}
for j = 1, dates do inWindow[ARGV[j]] = true end
local readWhole = 2 * dates

-- 'activeConnections:syncs' (see UsageStore): the digits before ':', read in place (no substring
-- per value: this runs once per connector and day)
local function connections(v)
  local k, n, c = 1, 0, byte(v, 1)
  while c and c ~= 58 do
    n = n * 10 + c - 48
    k = k + 1
    c = byte(v, k)
  end
  return n
end

local out = {}
for i = 1, #KEYS, 2 do
  local doc = call('HGET', KEYS[i], 'doc')
  local total = 0
  if doc then
    local days = call('HLEN', KEYS[i + 1])
    if days > 0 and days <= readWhole then
      local fields = call('HGETALL', KEYS[i + 1])
      for j = 1, #fields, 2 do
        if inWindow[fields[j]] then total = total + connections(fields[j + 1]) end
      end
    elseif days > readWhole then
      local values = call('HMGET', KEYS[i + 1], unpack(ARGV))
      for j = 1, dates do
        local v = values[j]
        if v then total = total + connections(v) end
      end
    end
  end
  out[#out + 1] = doc
  out[#out + 1] = total
end
return out
