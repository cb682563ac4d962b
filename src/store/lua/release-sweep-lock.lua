-- release-sweep-lock: see RELEASE in src/archival/sweep-lock.ts
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
