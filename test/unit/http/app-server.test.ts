import { once } from 'node:events';
import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServer, withPrototype } from '../../../src/http/app-server.js';

describe('createAppServer', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function listen(server: Server): Promise<string> {
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('builds requests and responses with the app’s prototypes before Express sees them', async () => {
    const app = express();
    app.get('/things/:id', (req: Request, res: Response) => {
      res.set('X-Seen', req.get('x-probe') ?? 'none');
      res.status(201).json({ id: req.params.id, query: req.query });
    });
    const server = createAppServer(app);
    const before: { request: boolean; response: boolean; kinds: boolean }[] = [];
    // Runs before the app's listener: what the server built, untouched by Express.
    server.prependListener('request', (req, res) =>
      before.push({
        request: Object.getPrototypeOf(req) === app.request,
        response: Object.getPrototypeOf(res) === app.response,
        kinds: req instanceof IncomingMessage && res instanceof ServerResponse,
      }),
    );
    const base = await listen(server);

    const res = await fetch(`${base}/things/42?x=1`, { headers: { 'x-probe': 'yes' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('yes');
    expect(await res.json()).toEqual({ id: '42', query: { x: '1' } });
    expect(before).toEqual([{ request: true, response: true, kinds: true }]);
  });

  it('keeps the server options it is given', () => {
    const server = createAppServer(express(), { requestTimeout: 12_345, headersTimeout: 6_789 });
    servers.push(server);
    expect(server.requestTimeout).toBe(12_345);
    expect(server.headersTimeout).toBe(6_789);
  });

  it('serves through a mounted sub-app and back to the parent app', async () => {
    const app = express();
    const sub = express();
    const seen: string[] = [];
    sub.use((req: Request, _res: Response, next: NextFunction) => {
      seen.push(Object.getPrototypeOf(req) === sub.request ? 'sub' : 'other');
      next();
    });
    app.use('/sub', sub);
    app.use((req: Request, res: Response) => {
      seen.push(Object.getPrototypeOf(req) === app.request ? 'parent' : 'other');
      res.json({ path: req.originalUrl });
    });
    const base = await listen(createAppServer(app));

    const res = await fetch(`${base}/sub/x`);
    expect(await res.json()).toEqual({ path: '/sub/x' });
    expect(seen).toEqual(['sub', 'parent']);
  });
});

describe('withPrototype', () => {
  const prototype = { kind: 'app' };

  it('calls a plain constructor function on an object with the prototype', () => {
    function Plain(this: { v: number }, v: number) {
      this.v = v;
    }
    const Built = withPrototype(Plain as unknown as new (v: number) => { v: number }, prototype);
    const built = new Built(3);
    expect(Object.getPrototypeOf(built)).toBe(prototype);
    expect(built.v).toBe(3);
  });

  it('constructs a class (a future Node’s constructors) with the prototype', () => {
    class Modern {
      constructor(readonly v: number) {}
    }
    const Built = withPrototype(Modern, prototype);
    const built = new Built(4);
    expect(Object.getPrototypeOf(built)).toBe(prototype);
    expect(built.v).toBe(4);
  });
});
