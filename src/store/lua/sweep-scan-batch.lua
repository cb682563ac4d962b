-- sweep-scan-batch: see SCAN_BATCH in src/archival/sweep-scan.ts
local call, byte, unpack = redis.call, string.byte, unpack
-- ARGV: the total at which summing may stop (the policy's threshold), then the window's dates,
-- oldest first
local enough = tonumber(ARGV[1])
local last = #ARGV
-- The newest week is read first; the older dates only when that week alone stays under `enough`.
-- A connector in use reaches it in its latest days, so most connectors cost one short HMGET
-- instead of a read of their whole window.
local split = math.max(2, last - 6)

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

local function sum(values, total)
  for j = 1, #values do
    local v = values[j]
    if v then total = total + connections(v) end
  end
  return total
end

local out = {}
for i = 1, #KEYS, 2 do
  local doc = call('HGET', KEYS[i], 'doc')
  local total = 0
  if doc and last >= 2 then
    total = sum(call('HMGET', KEYS[i + 1], unpack(ARGV, split, last)), 0)
    if total < enough and split > 2 then
      total = sum(call('HMGET', KEYS[i + 1], unpack(ARGV, 2, split - 1)), total)
    end
  end
  out[#out + 1] = doc
  out[#out + 1] = total
end
return out
