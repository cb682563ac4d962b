import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { requestContext } from '../../../src/http/request-context.js';
import { requestLogging } from '../../../src/http/request-logging.js';
import { createLogger } from '../../../src/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { waitFor } from '../../support/harness.js';

const servers: Server[] = [];
/** when each request to /slow arrived */
const slowArrivals: number[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An app with requestContext (and requestLogging when `lines` is given at `level`). */
async function serve(metrics: Metrics, logging?: { level: 'info' | 'warn'; lines: string[] }) {
  const app = express();
  app.use(requestContext(metrics));
  if (logging) {
    const logger = createLogger(
      logging.level,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logging.lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const middleware = requestLogging(logger);
    if (middleware) app.use(middleware);
  }
  app.get('/things/:id', (_req: Request, res: Response) => {
    res.json({ id: res.locals.requestId });
  });
  // never answers: the client gives up first
  app.get('/slow', () => void slowArrivals.push(Date.now()));
  const server = createServer(app);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function testMetrics(): Metrics {
  return new Metrics({
    outboxBacklog: () => Promise.resolve(0),
    outboxDeadLetters: () => Promise.resolve(0),
    queueDepths: () => Promise.resolve({}),
  });
}

async function durations(metrics: Metrics, route: string): Promise<number> {
  const { values } = await metrics.httpDuration.get();
  return values
    .filter((v) => v.metricName === 'http_request_duration_seconds_count')
    .filter((v) => v.labels.route === route)
    .reduce((n, v) => n + v.value, 0);
}

describe('requestContext', () => {
  it('keeps a valid X-Request-Id, replaces any other, and echoes it', async () => {
    const base = await serve(testMetrics());
    const kept = await fetch(`${base}/things/a`, { headers: { 'x-request-id': 'abc.DEF-1_2' } });
    expect(kept.headers.get('x-request-id')).toBe('abc.DEF-1_2');
    expect(await kept.json()).toEqual({ id: 'abc.DEF-1_2' });
    const replaced = await fetch(`${base}/things/a`, { headers: { 'x-request-id': 'a b<c>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await replaced.json()).toEqual({ id: replaced.headers.get('x-request-id') });
  });

  it('times every request by its route pattern, an abandoned one included', async () => {
    const metrics = testMetrics();
    const base = await serve(metrics);
    expect((await fetch(`${base}/things/x1`)).status).toBe(200);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    await waitFor(
      async () => ((await durations(metrics, '/things/:id')) === 1 ? true : undefined),
      {
        what: 'the answered request in the histogram',
      },
    );
    expect(await durations(metrics, 'unmatched')).toBe(1);

    const abandoned = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: abandoned.signal });
    await waitFor(() => slowArrivals.length > 0, {
      what: 'the slow request to arrive',
    });
    abandoned.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(async () => ((await durations(metrics, '/slow')) === 1 ? true : undefined), {
      what: 'the abandoned request in the histogram',
    });
  });
});

describe('requestLogging', () => {
  it('writes one request line with the id, route and status, and never the headers', async () => {
    const lines: string[] = [];
    const base = await serve(testMetrics(), { level: 'info', lines });
    const res = await fetch(`${base}/things/t1`, {
      headers: { authorization: 'Bearer secret-token-in-a-header', 'x-request-id': 'rid-1' },
    });
    expect(res.status).toBe(200);
    const line = await waitFor(
      () =>
        lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request'),
      { what: 'the request line' },
    );
    expect(line).toMatchObject({
      requestId: 'rid-1',
      route: '/things/:id',
      url: '/things/t1',
      method: 'GET',
      status: 200,
    });
    expect(lines.join('')).not.toContain('secret-token-in-a-header');
  });

  it('is not mounted when the logger drops info lines', () => {
    expect(requestLogging(createLogger('warn'))).toBeNull();
    expect(requestLogging(createLogger('info'))).toBeTypeOf('function');
  });
});
