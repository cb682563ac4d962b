import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { ApiRouter } from '../api-router.js';
import type { ApiReference } from '../openapi.js';

/**
 * The API reference: the OpenAPI document at /openapi.json, and Swagger UI (swagger-ui-dist) at
 * /docs, with every asset served from here (no CDN) under a Content-Security-Policy that allows
 * nothing but this origin (and data: images, which Swagger UI's stylesheet uses for its icons).
 */

export const DOCS_ASSETS_PATH = '/docs/assets';

export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/** The files of swagger-ui-dist the page uses (nothing else of the package is served). */
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

/** Starts Swagger UI on /openapi.json (a file, not an inline script: the CSP forbids those). */
export const DOCS_INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>connector-lifecycle API reference</title>
<link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<noscript>This reference needs JavaScript. The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_ASSETS_PATH}/init.js"></script>
</body>
</html>
`;

/** GET and HEAD of the page's assets; anything else falls through (404, 405). */
function docsAssets(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return next();
  const name = req.path.slice(1);
  if (name !== 'init.js' && !SWAGGER_UI_FILES.has(name)) return next();
  res.set('Cache-Control', 'public, max-age=86400');
  if (name === 'init.js') {
    res.type('text/javascript').send(DOCS_INIT_SCRIPT);
    return;
  }
  res.sendFile(join(SWAGGER_UI_DIR, name), (err?: Error) => {
    if (err) next(err);
  });
}

export function referenceRoutes(reference: ApiReference): ApiRouter {
  const api = new ApiRouter();
  api.get(
    '/openapi.json',
    {
      operationId: 'openapi',
      tag: 'operations',
      summary: 'This API description',
      description: 'The OpenAPI 3.1 document of this API.',
      access: { kind: 'public' },
      responses: {
        200: { description: 'The OpenAPI document.', schema: z.record(z.string(), z.unknown()) },
      },
    },
    (_req, res) => {
      res.json(reference.document());
    },
  );
  api.get(
    '/docs',
    {
      operationId: 'docs',
      tag: 'operations',
      summary: 'API reference (HTML)',
      description:
        'This reference, browsable and with "Try it out", in Swagger UI; every asset is served by the service itself.',
      access: { kind: 'public' },
      responses: {
        200: {
          description: 'The reference page.',
          media: { type: 'text/html', schema: z.string() },
          headers: ['Content-Security-Policy'],
        },
      },
    },
    (_req, res) => {
      res.type('html').set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY).send(DOCS_PAGE);
    },
  );
  api.use(DOCS_ASSETS_PATH, docsAssets);
  return api;
}
