-- record-delivery-attempt: see RECORD_DELIVERY_ATTEMPT in src/notifications/subscription-scripts.ts
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
return 1
