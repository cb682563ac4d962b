import { createHmac } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of the raw body with the subscription's secret>` (SPEC §5) */
export function signWebhook(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * The three Standard Webhooks headers (SPEC §5): `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, keyed with the UTF-8
 * bytes of the secret (the libraries' "raw" secret format), so any Standard Webhooks library
 * verifies a delivery and rejects a replay of it (an old `webhook-timestamp`).
 */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  rawBody: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const timestamp = String(timestampSeconds);
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${id}.${timestamp}.${rawBody}`, 'utf8')
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
