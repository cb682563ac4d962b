/** The API reference page (GET /docs): complete, self-contained, and safe against injection. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DOCS_CONTENT_SECURITY_POLICY,
  escapeHtml,
  renderDocsPage,
} from '../../../src/http/docs-page.js';
import { buildOpenApiDocument } from '../../../src/http/openapi.js';

const doc = buildOpenApiDocument() as Record<string, any>;
const page = renderDocsPage(doc);

describe('renderDocsPage', () => {
  it('is a complete HTML page with a table of contents by tag', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('</html>');
    expect(page).toContain('<nav><h2>Contents</h2>');
    for (const tag of doc.tags as { name: string }[]) {
      expect(page).toContain(`href="#tag-${tag.name}"`);
      expect(page).toContain(`id="tag-${tag.name}"`);
    }
  });

  it('shows every operation: method, path, summary, auth, parameters, body and responses', () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
      for (const [method, op] of Object.entries(item as Record<string, any>)) {
        expect(page).toContain(`id="op-${op.operationId}"`);
        const start = page.indexOf(`id="op-${op.operationId}"`);
        const article = page.slice(start, page.indexOf('</article>', start));
        expect(article).toContain(`<span class="badge ${method}">${method.toUpperCase()}</span>`);
        expect(article).toContain(escapeHtml(path));
        expect(article).toContain(escapeHtml(op.summary));
        expect(article).toContain('<strong>Auth:</strong>');
        expect(article).toContain(op.security.length === 0 ? 'Public' : 'Bearer');
        for (const status of Object.keys(op.responses)) {
          expect(article).toContain(`>${status}</td>`);
        }
        if (op.parameters) expect(article).toContain('<h4>Parameters</h4>');
        if (op.requestBody) expect(article).toContain('<h4>Request body');
      }
    }
  });

  it('pretty-prints request body schemas with their references inlined', () => {
    const start = page.indexOf('id="op-sendEvent"');
    const article = page.slice(start, page.indexOf('</article>', start));
    expect(article).toContain('&quot;noticeDays&quot;');
    expect(article).toContain('&quot;const&quot;: &quot;PUBLISH_RELEASE&quot;');
    expect(article).toContain('Example: DEPRECATE');
    expect(page).toContain('id="schema-Connector"');
    expect(page).toContain('id="webhooks"');
  });

  it('is self-contained: no script, no external stylesheet, font, image or link', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<link/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/\bsrc\s*=/i);
    expect(page).not.toMatch(/href\s*=\s*["']?(https?:)?\/\//i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('works under its Content-Security-Policy (the inline style is allowed by its hash)', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain(`style-src 'sha256-${hash}'`);
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(page).not.toMatch(/\sstyle=/);
  });

  it('escapes every piece of text taken from the document', () => {
    const evil = '<script>alert(1)</script>';
    const attr = '"><img src=x onerror=alert(1)>';
    const fake = {
      openapi: '3.1.0',
      info: { title: evil, version: attr, summary: evil, description: `**${evil}** \`${attr}\`` },
      servers: [{ url: evil }],
      tags: [{ name: attr, description: evil }],
      paths: {
        [`/x/${evil}`]: {
          get: {
            tags: [attr],
            operationId: attr,
            summary: evil,
            description: evil,
            security: [{ [attr]: [] }],
            parameters: [
              { name: evil, in: attr, description: evil, schema: { type: evil, pattern: attr } },
            ],
            requestBody: {
              description: evil,
              content: {
                [attr]: {
                  schema: { $ref: `#/components/schemas/${attr}` },
                  examples: { [evil]: { value: { x: evil } } },
                },
              },
            },
            responses: {
              [attr]: {
                description: evil,
                headers: { [evil]: {} },
                content: { [evil]: { schema: { type: attr } } },
              },
            },
          },
        },
      },
      webhooks: { [evil]: { post: { summary: evil, responses: {} } } },
      components: { schemas: { [attr]: { description: evil, const: evil } } },
    };
    const html = renderDocsPage(fake);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*\sonerror=/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('does not throw on a sparse or odd document', () => {
    expect(() => renderDocsPage({})).not.toThrow();
    expect(() =>
      renderDocsPage({
        info: 1,
        tags: 'x',
        paths: { '/a': { get: { responses: { 200: null }, parameters: [null] } } },
        components: { schemas: { A: { $ref: '#/components/schemas/A' } } },
      }),
    ).not.toThrow();
    const selfRef = renderDocsPage({
      paths: {
        '/a': {
          post: {
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } },
            },
            responses: { 200: { description: 'ok' } },
          },
        },
      },
      components: { schemas: { A: { properties: { a: { $ref: '#/components/schemas/A' } } } } },
    });
    expect(selfRef).toContain('id="schema-A"');
  });
});
