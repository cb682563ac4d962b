-- renew-sweep-lock: see RENEW in src/archival/sweep-lock.ts
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
