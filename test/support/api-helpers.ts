/**
 * Helpers shared by the integration tests: assertions on responses and the usual API steps
 * (register, wait for a state, subscribe...). Each asserts the status it expects.
 */
import { expect } from 'vitest';
import { waitFor, type ApiClient, type ApiResponse, type TestService } from './harness.js';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const DAY_MS = 86_400_000;

/** Asserts an RFC 9457 problem response with the given status; returns its body. */
export function expectProblem(res: ApiResponse, status: number): Record<string, any> {
  expect(res.status, `expected ${status}, got ${res.status}: ${res.text}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  const body = res.body as Record<string, any>;
  expect(typeof body).toBe('object');
  expect(body.status).toBe(status);
  expect(typeof body.type).toBe('string');
  expect(body.type.length).toBeGreaterThan(0);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

/** The field paths a 400 names in `errors`. */
export function errorPaths(res: ApiResponse): string[] {
  const body = expectProblem(res, 400);
  expect(Array.isArray(body.errors), `no errors array in ${res.text}`).toBe(true);
  return (body.errors as { path: string }[]).map((e) => e.path);
}

export interface ConnectorMark {
  version: number;
  state: string;
  historyLength: number;
  etag: string | null;
}

/** Where a connector stands now: compare before and after a refused request. */
export async function mark(api: ApiClient, id: string): Promise<ConnectorMark> {
  const [connector, history] = await Promise.all([
    api.get(`/v1/connectors/${id}`),
    api.get(`/v1/connectors/${id}/history`),
  ]);
  expect(connector.status).toBe(200);
  expect(history.status).toBe(200);
  return {
    version: connector.body.version as number,
    state: connector.body.state as string,
    historyLength: (history.body.items as unknown[]).length,
    etag: connector.headers.get('etag'),
  };
}

export async function expectUnchanged(api: ApiClient, id: string, before: ConnectorMark) {
  expect(await mark(api, id)).toEqual(before);
}

/** A date-only string `days` from today (UTC). */
export function dateInDays(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC date (YYYY-MM-DD) `offsetDays` from now. */
export function utcDate(offsetDays = 0, now = Date.now()): string {
  return new Date(now + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

/** Registers a connector (asserting the 201); returns the connector. */
export async function register(api: ApiClient, body: { id: string }): Promise<any> {
  const res = await api.post('/v1/connectors', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

export async function getConnector(api: ApiClient, id: string): Promise<any> {
  const res = await api.get(`/v1/connectors/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export async function historyOf(api: ApiClient, id: string): Promise<any[]> {
  const res = await api.get(`/v1/connectors/${id}/history`);
  expect(res.status, res.text).toBe(200);
  return res.body.items as any[];
}

export async function historyTypes(api: ApiClient, id: string): Promise<string[]> {
  return (await historyOf(api, id)).map((h: { type: string }) => h.type);
}

/** Waits until the connector is in `state`; returns it. */
export async function waitForState(
  api: ApiClient,
  id: string,
  state: string,
  timeoutMs = 15_000,
): Promise<any> {
  return waitFor(
    async () => {
      const c = (await api.get(`/v1/connectors/${id}`)).body;
      return c?.state === state ? c : undefined;
    },
    { timeoutMs, what: `${id} to reach ${state}` },
  );
}

export async function catalogDoc(api: ApiClient): Promise<any> {
  const res = await api.get('/v1/catalog');
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The catalog entry of a connector, or undefined when it is not listed. */
export async function catalogEntry(api: ApiClient, id: string): Promise<any> {
  const doc = await catalogDoc(api);
  return (doc.connectors as { id: string }[]).find((c) => c.id === id);
}

/** Waits until the catalog entry of `id` satisfies `check` (undefined: not listed). */
export async function waitForCatalog(
  api: ApiClient,
  id: string,
  check: (entry: any) => boolean,
  what = `the catalog entry of ${id}`,
): Promise<void> {
  await waitFor(async () => check(await catalogEntry(api, id)), { timeoutMs: 10_000, what });
}

/**
 * Waits until the catalog has caught up (it follows a change within its flush window): it lists
 * exactly the community and certified connectors, each at its current version.
 */
export async function waitForCatalogCaughtUp(api: ApiClient): Promise<void> {
  await waitFor(
    async () => {
      const connectors = (await api.get('/v1/connectors?limit=500')).body.items as {
        id: string;
        supportLevel: string;
        version: number;
      }[];
      const listed = connectors
        .filter((c) => c.supportLevel === 'community' || c.supportLevel === 'certified')
        .map((c) => `${c.id}@${c.version}`)
        .sort();
      const catalog = ((await catalogDoc(api)).connectors as { id: string; version: number }[])
        .map((c) => `${c.id}@${c.version}`)
        .sort();
      return JSON.stringify(catalog) === JSON.stringify(listed);
    },
    { timeoutMs: 10_000, what: 'the catalog to list every connector as it is now' },
  );
}

/** Creates a webhook subscription (asserting the 201); returns its id. */
export async function subscribe(
  api: ApiClient,
  body: { url: string; secret: string; events?: string[]; connectorIds?: string[] },
): Promise<string> {
  const res = await api.post('/v1/subscriptions', body);
  expect(res.status, res.text).toBe(201);
  return (res.body as { id: string }).id;
}

/**
 * Fires a connector's durable timers (`archiveDue` by default, or `breakingChangeReminder`) now
 * rather than after their delay: waits until the outbox relay has scheduled them (delayed in
 * BullMQ), then promotes them. Move the service's clock (TestClock) past their time first: the
 * timer worker puts an early archiveDue back. `archiveAt`: only the archiveDue timer of that time.
 */
export async function promoteTimers(
  svc: TestService,
  connectorId: string,
  { timer = 'archiveDue', archiveAt }: { timer?: string; archiveAt?: string } = {},
): Promise<void> {
  const queue = svc.services.queues.get('timers');
  // The relay delays the job by the time left on the service clock when it relays the entry: a
  // test that moved the clock past the due time first finds it waiting or run already.
  const jobs = await waitFor(
    async () => {
      const found = (await queue.getJobs(['delayed', 'wait', 'active', 'completed'])).filter(
        (j) => {
          const data = j.data as { connectorId?: string; timer?: string; archiveAt?: string };
          return (
            data.connectorId === connectorId &&
            data.timer === timer &&
            (archiveAt === undefined || data.archiveAt === archiveAt)
          );
        },
      );
      return found.length > 0 ? found : undefined;
    },
    { what: `the ${timer} timer of ${connectorId} to be scheduled` },
  );
  for (const job of jobs) if (await job.isDelayed()) await job.promote().catch(ignoreNotDelayed);
}

/** A job that left the delayed set between the check and the promote: it runs anyway. */
function ignoreNotDelayed(err: unknown): void {
  if (!/not in the delayed state|is not delayed/i.test(String(err))) throw err;
}
