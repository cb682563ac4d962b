import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboard, DASHBOARD_CONTENT_SECURITY_POLICY } from '../../../src/http/dashboard.js';
import { startTestService, type TestService } from '../../support/harness.js';

describe('the dashboard is served at /ui', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => {
    await svc.cleanup();
  });

  it('answers every page of the dashboard with index.html and a CSP that allows only itself', async () => {
    for (const path of ['/ui', '/ui/', '/ui/review', '/ui/connectors/source-anything']) {
      const res = await fetch(`${svc.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain('<div id="app"></div>');
    }
    const csp = DASHBOARD_CONTENT_SECURITY_POLICY;
    expect(csp).toContain("default-src 'none'");
    for (const directive of ['script-src', 'style-src', 'connect-src', 'img-src']) {
      expect(csp).toContain(`${directive} 'self'`);
    }
    expect(csp).not.toMatch(/unsafe|https?:|\*|data:/);
  });

  it('serves the assets index.html names, from this origin, cached for ever', async () => {
    const html = await (await fetch(`${svc.url}/ui`)).text();
    const assets = [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset, 'no other origin, no CDN').toMatch(/^\/ui\//);
      const res = await fetch(`${svc.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
      if (asset.startsWith('/ui/assets/')) {
        expect(res.headers.get('cache-control'), asset).toMatch(/immutable/);
      }
    }
  });

  it('404 for what is not a page or an asset of the dashboard', async () => {
    for (const path of ['/ui/assets/app-missing.js', '/ui/nowhere', '/ui/connectors/a/b']) {
      const res = await fetch(`${svc.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('a dashboard that was not built', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use('/ui', dashboard('/nonexistent/dashboard'));
    server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('answers 503 with a problem that says how to build it', async () => {
    const res = await fetch(`${base}/ui/review`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('DASHBOARD_NOT_BUILT');
    expect(body.detail).toMatch(/npm run build/);
  });
});
