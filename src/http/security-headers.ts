import helmet from 'helmet';

/**
 * Security headers on every response (helmet): nosniff, X-Frame-Options DENY, no Referer,
 * same-origin resource and opener policies and helmet's other defaults.
 *
 * No Content-Security-Policy here: the API answers JSON, and the pages that render HTML set their
 * own (/docs, ./routes/reference-routes.ts). No Strict-Transport-Security either: TLS ends at the
 * proxy in front of the service, which decides it for its domain.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
