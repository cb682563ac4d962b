import { expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../../support/harness.js';

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
