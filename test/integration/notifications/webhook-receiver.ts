import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../support/harness.js';

/** What the receiver does with one request. */
export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'fail'; status: number }
  /** never answers: the service's timeout (or `release()`) ends the request */
  | { kind: 'hang' };

/** One request as it reached the receiver: the exact bytes, the headers, when and what it answered. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** the parsed JSON body (undefined when it was not JSON) */
  body: any;
  receivedAt: number;
  behaviour: Behaviour['kind'];
  /** the status sent back; null while hanging or when the client went away first */
  answeredStatus: number | null;
  /** when the request ended: answered, or the client gave up */
  endedAt: number | null;
}

/** The webhook body the SPEC defines. */
export interface WebhookEvent {
  id: string;
  type: string;
  connectorId: string;
  occurredAt: string;
  data: Record<string, any>;
}

/** HMAC-SHA256 signature as SPEC §5 defines it, computed independently of the service's helper. */
export function expectedSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(Buffer.from(rawBody, 'utf8')).digest('hex')}`;
}

/**
 * A real HTTP server on 127.0.0.1 that records every webhook it gets. By default it answers 200;
 * `failNext`/`hangNext` queue behaviours for the next requests, `setDefault` changes what it does
 * afterwards.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly planned: Behaviour[] = [];
  private fallback: Behaviour = { kind: 'ok' };
  private readonly hanging = new Set<{ req: ReceivedRequest; res: ServerResponse }>();

  private readonly server: Server;
  private address = '';

  private constructor(private readonly path: string) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  /** Starts a receiver on 127.0.0.1 and a free port. */
  static async start(path = '/hook'): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(path);
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    const { port } = receiver.server.address() as AddressInfo;
    receiver.address = `http://127.0.0.1:${port}`;
    return receiver;
  }

  /** The URL to subscribe with. */
  get url(): string {
    return `${this.address}${this.path}`;
  }

  /** The next `n` requests get `status` (500 by default). */
  failNext(n: number, status = 500): this {
    for (let i = 0; i < n; i++) this.planned.push({ kind: 'fail', status });
    return this;
  }

  /** The next `n` requests are never answered. */
  hangNext(n: number): this {
    for (let i = 0; i < n; i++) this.planned.push({ kind: 'hang' });
    return this;
  }

  /** What the receiver does once the planned behaviours are used up. */
  setDefault(behaviour: Behaviour): this {
    this.fallback = behaviour;
    return this;
  }

  alwaysFail(status = 500): this {
    this.planned.length = 0;
    return this.setDefault({ kind: 'fail', status });
  }

  alwaysHang(): this {
    this.planned.length = 0;
    return this.setDefault({ kind: 'hang' });
  }

  alwaysSucceed(): this {
    this.planned.length = 0;
    return this.setDefault({ kind: 'ok' });
  }

  /** Requests still waiting for an answer. */
  get openRequests(): number {
    return this.hanging.size;
  }

  /** Answers every hanging request with `status`. */
  release(status = 200): void {
    for (const h of [...this.hanging]) {
      this.hanging.delete(h);
      if (!h.res.writableEnded && !h.res.destroyed) {
        h.req.answeredStatus = status;
        h.req.endedAt = Date.now();
        h.res.writeHead(status, { 'content-type': 'text/plain' }).end('released');
      }
    }
  }

  /** Requests answered with a 2xx. */
  delivered(): ReceivedRequest[] {
    return this.requests.filter(
      (r) => r.answeredStatus !== null && r.answeredStatus >= 200 && r.answeredStatus < 300,
    );
  }

  /** Bodies of the requests answered with a 2xx. */
  events(): WebhookEvent[] {
    return this.delivered().map((r) => r.body as WebhookEvent);
  }

  /** Waits for the first request (any outcome) that satisfies `match`. */
  async waitForRequest(
    match: (r: ReceivedRequest) => boolean,
    { timeoutMs = 10_000, what = 'a webhook request' } = {},
  ): Promise<ReceivedRequest> {
    return waitFor(() => this.requests.find(match), { timeoutMs, intervalMs: 10, what });
  }

  /** Waits for a successfully delivered event that satisfies `match`. */
  async waitForEvent(
    match: (e: WebhookEvent) => boolean,
    { timeoutMs = 10_000, what = 'a webhook event' } = {},
  ): Promise<{ event: WebhookEvent; request: ReceivedRequest }> {
    return waitFor(
      () => {
        const request = this.delivered().find((r) => match(r.body as WebhookEvent));
        return request ? { event: request.body as WebhookEvent, request } : undefined;
      },
      { timeoutMs, intervalMs: 10, what },
    );
  }

  async close(): Promise<void> {
    this.release(503);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const behaviour = this.planned.shift() ?? this.fallback;
    const record: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      rawBody,
      body,
      receivedAt,
      behaviour: behaviour.kind,
      answeredStatus: null,
      endedAt: null,
    };
    this.requests.push(record);
    if (behaviour.kind === 'hang') {
      const entry = { req: record, res };
      this.hanging.add(entry);
      res.on('close', () => {
        this.hanging.delete(entry);
        record.endedAt ??= Date.now();
      });
      return;
    }
    const status = behaviour.kind === 'ok' ? 200 : behaviour.status;
    record.answeredStatus = status;
    record.endedAt = Date.now();
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'failed');
  }
}

/** Starts `n` receivers. */
export async function startReceivers(n: number): Promise<WebhookReceiver[]> {
  return Promise.all(Array.from({ length: n }, () => WebhookReceiver.start()));
}
