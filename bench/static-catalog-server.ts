import { readFileSync } from 'node:fs';
import express from 'express';

/**
 * The ceiling of the catalog GET (issue 13): a static Express JSON handler serving the service's
 * catalog document (CATALOG_FILE, fetched from the service once) under a fixed ETag (ETAG).
 * STATIC_MODE=buffer (the ceiling): the document serialized once, sent as it is;
 * STATIC_MODE=json: `res.json(parsedDoc)`, serialized on every request.
 * If-None-Match naming ETAG (or `*`) gets 304, as the service answers it.
 */
const text = readFileSync(process.env.CATALOG_FILE!);
const parsed = JSON.parse(text.toString()) as unknown;
const etag = process.env.ETAG!;
const mode = process.env.STATIC_MODE ?? 'buffer';
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/v1/catalog', (req, res) => {
  res.set('ETag', etag).set('Cache-Control', 'public, max-age=0, must-revalidate');
  const inm = req.get('if-none-match');
  if (inm?.split(',').some((t) => [etag, '*'].includes(t.trim().replace(/^W\//, '')))) {
    res.status(304).end();
    return;
  }
  if (mode === 'json') res.json(parsed);
  else res.type('application/json').send(text);
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log('ready'));
server.keepAliveTimeout = 65_000;
