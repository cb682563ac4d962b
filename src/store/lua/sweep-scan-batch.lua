-- sweep-scan-batch: see SCAN_BATCH in src/archival/sweep-scan.ts
local call, byte = redis.call, string.byte
local dates = #ARGV
local out = {}
for i = 1, #KEYS, 2 do
  local doc = call('HGET', KEYS[i], 'doc')
  local total = 0
  if doc then
    local values = call('HMGET', KEYS[i + 1], unpack(ARGV))
    for j = 1, dates do
      local v = values[j]
      if v then
        -- 'activeConnections:syncs' (see UsageStore): the digits before ':', read in place
        -- (no substring per value: this loop runs once per connector and day)
        local k, n, c = 1, 0, byte(v, 1)
        while c and c ~= 58 do
          n = n * 10 + c - 48
          k = k + 1
          c = byte(v, k)
        end
        total = total + n
      end
    end
  end
  out[#out + 1] = doc
  out[#out + 1] = total
end
return out
