/** The API reference page (GET /docs): Swagger UI, every asset served here, under a strict CSP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_ASSETS_PATH,
  DOCS_CONTENT_SECURITY_POLICY,
  DOCS_INIT_SCRIPT,
} from '../../../src/http/routes/reference-routes.js';
import { startReferenceApp, type ReferenceApp } from '../../support/api-contract.js';

let service: ReferenceApp;
let page: Response;
let html: string;

beforeAll(async () => {
  service = await startReferenceApp();
  page = await fetch(`${service.base}/docs`);
  html = await page.text();
});

afterAll(async () => {
  await service?.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${service.base}${path}`, init);

/** Every URL the page loads or links to. */
const urls = () => [...html.matchAll(/\s(?:src|href)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);

describe('GET /docs', () => {
  it('is an HTML page that starts Swagger UI on /openapi.json', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).toContain('<div id="swagger-ui"></div>');
    expect(urls()).toEqual(
      expect.arrayContaining([
        `${DOCS_ASSETS_PATH}/swagger-ui.css`,
        `${DOCS_ASSETS_PATH}/swagger-ui-bundle.js`,
        `${DOCS_ASSETS_PATH}/init.js`,
      ]),
    );
    expect(DOCS_INIT_SCRIPT).toContain("url: '/openapi.json'");
    expect(DOCS_INIT_SCRIPT).toContain('SwaggerUIBundle(');
    // Swagger UI's default would send the document to validator.swagger.io
    expect(DOCS_INIT_SCRIPT).toContain('validatorUrl: null');
  });

  it('loads nothing from elsewhere: every URL is a path of this service', () => {
    expect(urls().length).toBeGreaterThanOrEqual(4);
    for (const url of urls()) {
      expect(url, url).toMatch(/^\/[^/]/);
    }
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('has no inline script, style or event handler (its CSP forbids them)', () => {
    for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(attributes).toMatch(/\ssrc="/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('is served with a Content-Security-Policy that allows only this origin', () => {
    const csp = page.headers.get('content-security-policy');
    expect(csp).toBe(DOCS_CONTENT_SECURITY_POLICY);
    const directives = Object.fromEntries(
      csp!.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:']);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
  });

  it('embeds nothing of the document (Swagger UI renders it in the browser)', async () => {
    const doc = (await (await get('/openapi.json')).json()) as Record<string, any>;
    expect(html).not.toContain(doc.info.description.slice(0, 40));
    expect(html).not.toContain('operationId');
    // the same page whatever the document says
    expect(await (await get('/docs')).text()).toBe(html);
  });
});

describe('the page assets', () => {
  it('serves every asset the page uses, with its type', async () => {
    const types: Record<string, RegExp> = {
      css: /^text\/css/,
      js: /^(text|application)\/javascript/,
      png: /^image\/png/,
      json: /^application\/json/,
    };
    for (const url of urls()) {
      const res = await get(url);
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toMatch(types[url.split('.').pop()!]!);
      expect(body.length, url).toBeGreaterThan(0);
      if (url.startsWith(DOCS_ASSETS_PATH)) {
        expect(res.headers.get('cache-control'), url).toMatch(/max-age=\d+/);
      }
    }
    const bundle = await (await get(`${DOCS_ASSETS_PATH}/swagger-ui-bundle.js`)).text();
    expect(bundle).toContain('SwaggerUIBundle');
    expect(await (await get(`${DOCS_ASSETS_PATH}/init.js`)).text()).toBe(DOCS_INIT_SCRIPT);
  });

  it('serves nothing else of the package, and nothing outside it', async () => {
    for (const path of [
      `${DOCS_ASSETS_PATH}/index.html`,
      `${DOCS_ASSETS_PATH}/swagger-initializer.js`,
      `${DOCS_ASSETS_PATH}/swagger-ui-bundle.js.map`,
      `${DOCS_ASSETS_PATH}/package.json`,
      `${DOCS_ASSETS_PATH}/..%2fpackage.json`,
      `${DOCS_ASSETS_PATH}/%2e%2e/%2e%2e/package.json`,
      `${DOCS_ASSETS_PATH}/`,
      `${DOCS_ASSETS_PATH}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
    const post = await get(`${DOCS_ASSETS_PATH}/init.js`, { method: 'POST' });
    expect(post.status).toBeGreaterThanOrEqual(400);
    expect(post.status).toBeLessThan(500);
  });
});
