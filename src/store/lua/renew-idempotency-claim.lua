-- renew-idempotency-claim: see RENEW_CLAIM in src/http/idempotency-claim.ts
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
