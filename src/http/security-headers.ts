import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response (helmet).
 *
 * - Pages and everything else outside /v1 (the dashboard, /docs, the queue dashboard, the health
 *   and metrics endpoints): nosniff, X-Frame-Options DENY, no Referer, same-origin resource and
 *   opener policies and helmet's other defaults.
 * - The JSON API (/v1): what a browser applies to a response that is not a document (the OWASP
 *   REST Security Cheat Sheet's set): nosniff, X-Frame-Options DENY and a same-origin resource
 *   policy. Helmet's headers for documents (opener policy, origin-agent cluster, referrer policy,
 *   DNS prefetch, the legacy Internet Explorer, Adobe and XSS-filter switches) do nothing on a
 *   JSON answer, and each is one more header for every client to parse on every event.
 *
 * No Content-Security-Policy here: the API answers JSON, and the pages that render HTML set their
 * own (/docs, ./routes/reference-routes.ts). No Strict-Transport-Security either: TLS ends at the
 * proxy in front of the service, which decides it for its domain.
 */
export function securityHeaders() {
  const every = {
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  } as const;
  const pages = helmet({ ...every, referrerPolicy: { policy: 'no-referrer' } });
  const api = helmet({
    ...every,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/v1/') ? api : pages)(req, res, next);
}
