import express from 'express';
import { Redis } from 'ioredis';

/**
 * The ceiling for one event (issue 13): an Express handler that parses the JSON body and makes 2
 * Redis round trips, a load (HMGET) and a commit (EVAL of a small script), and nothing else.
 * `BURN_US` (default 0, for `npm run bench -- budget` only): CPU time spent on top, per request,
 * in a busy loop after the commit.
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const COMMIT = "redis.call('HSET', KEYS[1], 'version', ARGV[1], 'doc', ARGV[2]) return 1";
const BURN_MS = Number(process.env.BURN_US ?? 0) / 1000;
const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '1mb' }));
app.post('/v1/connectors/:id/events', async (req, res) => {
  const id = req.params.id;
  const [version] = await redis.hmget(`min:c:{${id}}`, 'version', 'doc');
  const next = Number(version ?? 0) + 1;
  await redis.eval(COMMIT, 1, `min:c:{${id}}`, next, JSON.stringify(req.body));
  if (BURN_MS > 0) {
    const until = performance.now() + BURN_MS;
    while (performance.now() < until);
  }
  res.json({ id, version: next, body: req.body as unknown });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log('ready'));
server.keepAliveTimeout = 65_000;
