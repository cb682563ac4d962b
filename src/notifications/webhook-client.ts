import type { Agent, request as undiciRequest } from 'undici';
import {
  ipLiteral,
  WebhookTargetBlockedError,
  type WebhookTargetPolicy,
} from './webhook-target-policy.js';

/**
 * The HTTP client of webhook deliveries: an undici Agent whose connector applies the target policy
 * to the address it actually connects to (SPEC §5). A name is resolved by the policy's checked
 * lookup inside the connection itself, so the address checked is the address connected to (no
 * DNS rebinding between a check and the connection); an IP literal is checked before connecting,
 * and the socket's peer address once more after. Redirects are not followed (a 3xx is a failed
 * attempt), and no proxy settings are read.
 */
export class WebhookClient {
  private undici: Promise<{ agent: Agent; request: typeof undiciRequest }> | null = null;

  constructor(
    private readonly policy: WebhookTargetPolicy,
    private readonly timeoutMs: number,
  ) {}

  /**
   * POSTs `body` to `url`; resolves with the status code (any status), rejects on a connection
   * error, a timeout (a `TimeoutError`) or a blocked target (WebhookTargetBlockedError).
   */
  async post(url: string, headers: Record<string, string>, body: string): Promise<number> {
    const { agent, request } = await this.client();
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    return res.statusCode;
  }

  async close(): Promise<void> {
    const undici = this.undici;
    this.undici = null;
    if (undici) await (await undici).agent.close();
  }

  /** undici is loaded on the first delivery: processes that never deliver do not pay for it. */
  private client() {
    this.undici ??= import('undici').then(({ Agent, buildConnector, request }) => {
      const policy = this.policy;
      const connect = buildConnector({ timeout: this.timeoutMs, lookup: policy.connectLookup });
      const agent = new Agent({
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        connect: (options, callback) => {
          const literal = ipLiteral(options.hostname);
          if (literal !== null && !policy.allowsAddress(literal)) {
            callback(new WebhookTargetBlockedError(), null);
            return;
          }
          connect(options, (err, socket) => {
            if (err) return callback(err, null);
            const peer = socket.remoteAddress;
            if (peer === undefined || !policy.allowsAddress(peer)) {
              socket.destroy();
              return callback(new WebhookTargetBlockedError(), null);
            }
            return callback(null, socket);
          });
        },
      });
      return { agent, request };
    });
    return this.undici;
  }
}

/** True when `err` (or an error it wraps) is a blocked target. */
export function isBlockedTarget(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof WebhookTargetBlockedError) return true;
  }
  return false;
}
