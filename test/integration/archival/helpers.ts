import { expect } from 'vitest';
import type { ApiClient, TestService } from '../../support/harness.js';
import { utcDate } from '../../support/api-helpers.js';
import { waitFor } from '../../support/harness.js';

/**
 * Settings every service of these tests gets: the tests poll the API often (sweep status, states),
 * far above the default per-token rate limit, which is not what they test.
 */
export const BASE_ENV: Record<string, string> = { LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000' };

/** Posts usage entries (asserting the 200); returns the body. */
export async function postUsage(
  api: ApiClient,
  entries: unknown[],
): Promise<{ stored: number; rejected: any[] }> {
  const res = await api.post('/v1/usage', { entries });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export function usage(connectorId: string, activeConnections: number, date = utcDate()) {
  return { connectorId, date, activeConnections, syncs: activeConnections * 2 };
}

/** Starts a sweep (asserting the 202); returns its id. */
export async function startSweep(api: ApiClient, dryRun?: boolean): Promise<string> {
  const res = await api.post('/v1/archival-sweeps', dryRun === undefined ? {} : { dryRun });
  expect(res.status, res.text).toBe(202);
  expect(typeof res.body.id).toBe('string');
  return res.body.id as string;
}

/** Waits for a sweep to finish; returns its record and the statuses seen on the way. */
export async function waitForSweep(
  api: ApiClient,
  id: string,
  timeoutMs = 20_000,
): Promise<{ record: any; seen: string[] }> {
  const seen: string[] = [];
  const record = await waitFor(
    async () => {
      const res = await api.get(`/v1/archival-sweeps/${id}`);
      expect(res.status, res.text).toBe(200);
      const status = res.body.status as string;
      if (seen.at(-1) !== status) seen.push(status);
      return status === 'completed' || status === 'failed' ? res.body : undefined;
    },
    { timeoutMs, intervalMs: 20, what: `sweep ${id} to finish` },
  );
  return { record, seen };
}

/** Runs a sweep to the end and asserts it completed. */
export async function runSweep(api: ApiClient, dryRun?: boolean): Promise<any> {
  const id = await startSweep(api, dryRun);
  const { record } = await waitForSweep(api, id);
  expect(record.status, JSON.stringify(record)).toBe('completed');
  return record;
}

export function candidateOf(record: any, connectorId: string): any {
  return (record.candidates as { connectorId: string }[]).find(
    (c) => c.connectorId === connectorId,
  );
}

/** An archiveDue timer job of a connector that has run. */
export interface FiredTimer {
  archiveAt: string;
  returnvalue: unknown;
}

/** Waits until at least `count` archiveDue timers of a connector completed; returns them, oldest first. */
export async function waitForFiredTimers(
  svc: TestService,
  connectorId: string,
  count = 1,
  timeoutMs = 15_000,
): Promise<FiredTimer[]> {
  const queue = svc.services.queues.get('timers');
  return waitFor(
    async () => {
      const fired = (await queue.getJobs(['completed']))
        .filter((j) => {
          const data = j.data as { connectorId?: string; timer?: string };
          return data.connectorId === connectorId && data.timer === 'archiveDue';
        })
        .map((j) => ({
          archiveAt: (j.data as { archiveAt: string }).archiveAt,
          returnvalue: j.returnvalue as unknown,
        }))
        .sort((a, b) => a.archiveAt.localeCompare(b.archiveAt));
      return fired.length >= count ? fired : undefined;
    },
    { timeoutMs, what: `${count} archiveDue timer(s) of ${connectorId} to fire` },
  );
}
