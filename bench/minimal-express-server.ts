import express from 'express';
import { Redis } from 'ioredis';

/**
 * The ceiling for one event: an Express handler that parses JSON and makes the same Redis round
 * trips as POST /v1/connectors/:id/events with an admin token (rate-limit MULTI, load HMGET, commit
 * EVALSHA), and nothing else.
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const COMMIT = "redis.call('HSET', KEYS[1], 'version', ARGV[1], 'doc', ARGV[2]) return 1";
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/connectors/:id/events', async (req, res) => {
  const id = req.params.id;
  await redis.multi().incr('min:rl').expire('min:rl', 120, 'NX').exec();
  const [version] = await redis.hmget(`min:c:{${id}}`, 'version', 'doc');
  const next = Number(version ?? 0) + 1;
  await redis.eval(COMMIT, 1, `min:c:{${id}}`, next, JSON.stringify(req.body));
  res.json({ id, version: next, body: req.body as unknown });
});
app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log('ready'));
