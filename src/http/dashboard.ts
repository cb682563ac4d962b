import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import { sendProblem } from './problem.js';

/** Where the web dashboard (SPEC §13) is served. */
export const DASHBOARD_PATH = '/ui';

/** The dashboard loads nothing from anywhere but this origin, and runs no inline code. */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The pages the dashboard's router draws: each is answered with index.html. */
const PAGES = ['/', '/review', '/connectors/:id'];

/** dist/ui of this package, whether it runs from source (tsx) or from dist/. */
export function defaultDashboardDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, 'dist', 'ui');
}

/** The dashboard's static files (built by `npm run build:ui`), with its own CSP. */
export function dashboard(dir = defaultDashboardDir()): Router {
  const router = Router();
  router.use((_req: Request, res: Response, next) => {
    res.set('Content-Security-Policy', DASHBOARD_CONTENT_SECURITY_POLICY);
    next();
  });
  // Asset names carry a content hash: they never change, so browsers keep them.
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: true,
    }),
  );
  router.get('/favicon.svg', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=86400').sendFile(join(dir, 'favicon.svg'));
  });
  router.get(PAGES, (_req: Request, res: Response) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      sendProblem(
        res,
        503,
        'DASHBOARD_NOT_BUILT',
        'The dashboard is not built: run `npm run build` (or `npm run build:ui`).',
      );
      return;
    }
    // Always asked again: a new release names new assets.
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
