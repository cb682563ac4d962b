import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';

export const ACCEPTANCE_FIXTURE =
  'bash test/integration/fixtures/acceptance.sh {connectorId} {image} {reportDir}';

/** A service for a page to drive: real workers, the test acceptance command, no rate limit in the way. */
export function startDashboardService(): Promise<TestService> {
  return startTestService({
    env: {
      LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_FIXTURE,
      LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
}

/**
 * Lets a `*held*` acceptance run end (test/integration/fixtures/acceptance.sh waits for this file);
 * returns a function that removes the file.
 */
export async function releaseGate(connectorId: string): Promise<() => Promise<void>> {
  const file = join(tmpdir(), `acceptance-release-${connectorId}`);
  await writeFile(file, '');
  return () => rm(file, { force: true });
}

/** Long enough for a loaded, shared machine; the page itself polls every 1.5-2 s. */
export const UI_TIMEOUT_MS = 20_000;

export async function register(
  svc: TestService,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const res = await svc.api.post('/v1/connectors', registration(overrides));
  expect(res.status, res.text).toBe(201);
  return res.body;
}

export async function sendEvent(
  svc: TestService,
  id: string,
  event: Record<string, unknown>,
): Promise<any> {
  const res = await svc.api.event(id, event);
  expect([200, 202], res.text).toContain(res.status);
  return res.body;
}

export async function waitForState(svc: TestService, id: string, state: string): Promise<any> {
  return waitFor(
    async () => {
      const c = (await svc.api.get(`/v1/connectors/${id}`)).body;
      return c.state === state ? c : undefined;
    },
    { timeoutMs: UI_TIMEOUT_MS, what: `${id} to reach ${state}` },
  );
}

/** Waits until the public catalog lists the connector with this status. */
export async function waitForCatalog(svc: TestService, id: string, status: string): Promise<void> {
  await waitFor(
    async () => {
      const doc = (await svc.as(null).get('/v1/catalog')).body;
      return doc.connectors.some((c: any) => c.id === id && c.status === status);
    },
    { timeoutMs: UI_TIMEOUT_MS, what: `the catalog to list ${id} as ${status}` },
  );
}

/** Signs in through the header form, as a person would. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor({ timeout: UI_TIMEOUT_MS });
}

/** The state the diagram marks as current. */
export async function currentState(page: Page): Promise<string | null> {
  return page
    .locator('svg [data-current="true"]')
    .getAttribute('data-state', { timeout: UI_TIMEOUT_MS });
}

export async function waitForCurrentState(page: Page, state: string): Promise<void> {
  await page
    .locator(`svg [data-state="${state}"][data-current="true"]`)
    .waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Whether the document scrolls sideways (it must not, down to 375 px). */
export async function scrollsSideways(page: Page): Promise<{ scrollWidth: number; width: number }> {
  return page.evaluate(() => {
    const el = document.scrollingElement!;
    return { scrollWidth: el.scrollWidth, width: el.clientWidth };
  });
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // only violations are reported in full (passes and the rest: one node each), which is faster
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
