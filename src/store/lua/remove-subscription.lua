-- remove-subscription: see REMOVE_SUBSCRIPTION in src/notifications/subscription-scripts.ts
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('INCR', KEYS[3])
-- The notice is a hint: an ACL without the channel refuses it, and the delete stands.
redis.pcall('PUBLISH', ARGV[2], ARGV[1])
return 1
