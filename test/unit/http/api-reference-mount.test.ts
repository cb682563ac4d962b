import express, { Router, type Response } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiRouter, type OperationSpec } from '../../../src/http/api-router.js';
import { ApiReference } from '../../../src/http/openapi.js';

const spec = (operationId: string): OperationSpec => ({
  operationId,
  tag: 'operations',
  summary: operationId,
  description: operationId,
  access: { kind: 'public' },
  responses: { 200: { description: 'ok' } },
});

/** A handler that answers `text` (the specs declare no body schema). */
const answer = (text: string) => (_req: unknown, res: unknown) => (res as Response).send(text);

function group(name: string): ApiRouter {
  return new ApiRouter()
    .get(`/${name}`, spec(`get-${name}`), answer(`get ${name}`))
    .use(`/${name}-assets`, answer(`assets ${name}`))
    .post(`/${name}`, spec(`post-${name}`), answer(`post ${name}`));
}

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: unknown };
};

describe('ApiReference.mount', () => {
  it('adds every group to the one router given, in order, after what it has: no router per group', () => {
    const reference = new ApiReference();
    const router = Router();
    router.use((_req, _res, next) => next());
    reference.mount(router, '/v1', group('a'), group('b'));
    const stack = router.stack as unknown as Layer[];
    expect(stack).toHaveLength(7);
    expect(stack.slice(1).map((layer) => layer.route?.path ?? 'use')).toEqual([
      '/a',
      'use',
      '/a',
      '/b',
      'use',
      '/b',
    ]);
    expect(stack.some((layer) => Array.isArray(layer.handle.stack))).toBe(false);
    expect(reference.operations().map((op) => `${op.method} ${op.path}`)).toEqual([
      'get /v1/a',
      'post /v1/a',
      'get /v1/b',
      'post /v1/b',
    ]);
  });

  it('serves the routes and the middleware of every group', async () => {
    const app = express();
    const v1 = Router();
    new ApiReference().mount(v1, '/v1', group('a'), group('b'));
    app.use('/v1', v1);
    const server = app.listen(0);
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const base = `http://127.0.0.1:${port}/v1`;
      const text = async (path: string, method = 'GET') =>
        (await fetch(`${base}${path}`, { method })).text();
      expect(await text('/a')).toBe('get a');
      expect(await text('/b', 'POST')).toBe('post b');
      expect(await text('/b-assets/x.js')).toBe('assets b');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
