import { createHmac } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of the raw body with the subscription's secret>` */
export function signWebhook(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}
