import type {
  AcceptanceRun,
  Connector,
  CreatedToken,
  DeliveryAttempt,
  EventRequest,
  HistoryEntry,
  ImportReport,
  ImportRequest,
  List,
  MachineDescription,
  Page,
  Problem,
  Registry,
  RegistrationRequest,
  Subscription,
  SubscriptionRequest,
  SupportLevelPolicy,
  Sweep,
  SweepStarted,
  TokenRequest,
  UsageEntryRequest,
  UsageReport,
} from './api-types.js';
import { RefusedError, UnavailableError, UsageError } from './cli-errors.js';

export interface ClientOptions {
  /** the service's base URL, e.g. http://localhost:8080 (a path prefix is kept) */
  url: string;
  token?: string | undefined;
  /** how long one request may take before the service counts as unreachable */
  requestTimeoutMs?: number;
  userAgent?: string;
}

export interface ConnectorFilters {
  supportLevel?: string | undefined;
  status?: string | undefined;
  type?: string | undefined;
  q?: string | undefined;
}

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
}

const seg = encodeURIComponent;

/**
 * The CLI's only way to the service: one method per route it uses, typed by api-types.ts. A 4xx
 * answer throws RefusedError (exit 1); no answer or a 5xx throws UnavailableError (exit 3).
 */
export class ApiClient {
  private readonly base: URL;

  constructor(private readonly options: ClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new UsageError(`--url: "${options.url}" is not a URL (e.g. http://localhost:8080)`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new UsageError(`--url: "${options.url}" must be an http(s) URL`);
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
  }

  get url(): string {
    return this.base.href.replace(/\/$/, '');
  }

  // ---- connectors ---------------------------------------------------------------------------

  async listConnectors(
    filters: ConnectorFilters,
    page: { limit?: number; cursor?: string | null } = {},
  ): Promise<Page<Connector>> {
    return (
      await this.request<Page<Connector>>('GET', 'v1/connectors', {
        query: { ...filters, limit: page.limit, cursor: page.cursor ?? undefined },
      })
    ).body;
  }

  async getConnector(id: string): Promise<Connector> {
    return (await this.request<Connector>('GET', `v1/connectors/${seg(id)}`)).body;
  }

  async registerConnector(body: RegistrationRequest): Promise<Connector> {
    return (await this.request<Connector>('POST', 'v1/connectors', { body })).body;
  }

  /** Sends one event; `gateStarted` when the service answered 202 (acceptance tests started). */
  async sendEvent(
    id: string,
    event: EventRequest,
    ifMatchVersion?: number,
  ): Promise<{ connector: Connector; gateStarted: boolean }> {
    const answer = await this.request<Connector>('POST', `v1/connectors/${seg(id)}/events`, {
      body: event,
      headers: ifMatchVersion === undefined ? {} : { 'if-match': `"v${ifMatchVersion}"` },
    });
    return { connector: answer.body, gateStarted: answer.status === 202 };
  }

  async history(id: string): Promise<List<HistoryEntry>> {
    return (await this.request<List<HistoryEntry>>('GET', `v1/connectors/${seg(id)}/history`)).body;
  }

  async acceptanceRuns(id: string): Promise<List<AcceptanceRun>> {
    return (
      await this.request<List<AcceptanceRun>>('GET', `v1/connectors/${seg(id)}/acceptance-runs`)
    ).body;
  }

  /** The connector as an Airbyte metadata.yaml (text). */
  async metadataYaml(id: string): Promise<string> {
    return (await this.request<string>('GET', `v1/connectors/${seg(id)}/metadata.yaml`)).body;
  }

  // ---- imports, exports, catalog ------------------------------------------------------------

  async importDocuments(body: ImportRequest): Promise<ImportReport> {
    return (await this.request<ImportReport>('POST', 'v1/imports', { body })).body;
  }

  async registry(): Promise<Registry> {
    return (await this.request<Registry>('GET', 'v1/catalog/registry.json')).body;
  }

  async supportLevels(): Promise<List<SupportLevelPolicy>> {
    return (await this.request<List<SupportLevelPolicy>>('GET', 'v1/support-levels')).body;
  }

  async machine(): Promise<MachineDescription> {
    return (await this.request<MachineDescription>('GET', 'v1/machine')).body;
  }

  // ---- archival -----------------------------------------------------------------------------

  async startSweep(dryRun: boolean): Promise<SweepStarted> {
    return (await this.request<SweepStarted>('POST', 'v1/archival-sweeps', { body: { dryRun } }))
      .body;
  }

  async sweep(id: string): Promise<Sweep> {
    return (await this.request<Sweep>('GET', `v1/archival-sweeps/${seg(id)}`)).body;
  }

  async postUsage(entries: UsageEntryRequest[]): Promise<UsageReport> {
    return (await this.request<UsageReport>('POST', 'v1/usage', { body: { entries } })).body;
  }

  // ---- subscriptions and tokens -------------------------------------------------------------

  async subscriptions(): Promise<List<Subscription>> {
    return (await this.request<List<Subscription>>('GET', 'v1/subscriptions')).body;
  }

  async createSubscription(body: SubscriptionRequest): Promise<Subscription> {
    return (await this.request<Subscription>('POST', 'v1/subscriptions', { body })).body;
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.request('DELETE', `v1/subscriptions/${seg(id)}`);
  }

  async deliveries(id: string): Promise<List<DeliveryAttempt>> {
    return (
      await this.request<List<DeliveryAttempt>>('GET', `v1/subscriptions/${seg(id)}/deliveries`)
    ).body;
  }

  async createToken(body: TokenRequest): Promise<CreatedToken> {
    return (await this.request<CreatedToken>('POST', 'v1/tokens', { body })).body;
  }

  async revokeToken(id: string): Promise<void> {
    await this.request('DELETE', `v1/tokens/${seg(id)}`);
  }

  // ---- the wire -----------------------------------------------------------------------------

  private async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Answer<T>> {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json;q=0.9, */*;q=0.5',
      'user-agent': this.options.userAgent ?? 'lifecycle-cli',
      ...options.headers,
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = this.options.requestTimeoutMs ?? 60_000;

    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new UnavailableError(`Cannot reach ${this.url}: ${describeFetchError(err, timeoutMs)}`);
    }

    const body = parseBody(res.headers.get('content-type'), text);
    if (res.status >= 500) {
      const problem = asProblem(body, res);
      throw new UnavailableError(
        `The service failed (${res.status}): ${[problem.title, problem.detail].filter(Boolean).join(': ')}`,
      );
    }
    if (res.status >= 400) {
      const hint =
        res.status === 401 && !this.options.token
          ? 'No token given: pass --token or set LIFECYCLE_TOKEN.'
          : undefined;
      throw new RefusedError(res.status, asProblem(body, res), hint);
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }
}

function parseBody(contentType: string | null, text: string): unknown {
  if (text === '') return null;
  if (contentType && /json/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function asProblem(body: unknown, res: Response): Problem {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as Problem;
  const detail = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  return { status: res.status, title: res.statusText || `HTTP ${res.status}`, detail };
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  // fetch says "fetch failed"; the reason is in its cause (ECONNREFUSED, ENOTFOUND, bad port …)
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  const inner =
    cause instanceof AggregateError ? (cause.errors[0] as NodeJS.ErrnoException) : cause;
  if (inner?.code) return `${inner.code}${inner.message ? ` (${inner.message})` : ''}`;
  if (inner?.message) return inner.message;
  return err instanceof Error ? err.message : String(err);
}
