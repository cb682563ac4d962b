import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../../support/browser.js';
import type { TestService } from '../../support/harness.js';
import {
  currentState,
  register,
  releaseGate,
  sendEvent,
  signIn,
  startDashboardService,
  UI_TIMEOUT_MS,
  waitForCurrentState,
  waitForState,
} from './helpers.js';

/** Presses Tab until the focused element matches (and has this text), as a keyboard user would. */
async function tabTo(page: Page, selector: string, text?: string, maxPresses = 40): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate(
      ([css, label]) => {
        const el = document.activeElement;
        return !!el?.matches(css) && (label === null || el.textContent?.trim() === label);
      },
      [selector, text ?? null] as const,
    );
    if (reached) return;
  }
  throw new Error(`Tab never reached ${selector} ${text ?? ''}`);
}

/** What a maintainer does with the dashboard: events through forms, reviews, sweeps, live gates. */
describe('acting through the dashboard', { timeout: 90_000 }, () => {
  let svc: TestService;
  let browser: TestBrowser;
  let maintainer: string;
  const cleanups: (() => Promise<void>)[] = [];

  async function signedIn(path: string): Promise<Page> {
    const { page } = await browser.newPage();
    await page.goto(`${svc.url}${path}`);
    await signIn(page, maintainer);
    return page;
  }

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startDashboardService(), launchBrowser()]);
    maintainer = await svc.tokenFor('maintainer', 'mia');
  });
  afterAll(async () => {
    await Promise.all(cleanups.map((c) => c()));
    await browser?.close();
    await svc?.cleanup();
  });

  it('deprecates a connector through its form, by keyboard alone', async () => {
    const { id } = await register(svc, { name: 'Keyboard Source' });
    const { page } = await browser.newPage();
    await page.goto(`${svc.url}/ui/connectors/${id}`);
    await tabTo(page, '#token');
    await page.keyboard.type(maintainer);
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as').waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForCurrentState(page, 'community.active');

    await tabTo(page, 'button[aria-controls]', 'Deprecate');
    await page.keyboard.press('Enter');
    await tabTo(page, 'textarea[name="reason"]');
    await page.keyboard.type('Superseded by the v2 connector');
    await tabTo(page, 'input[name="noticeDays"]');
    await page.keyboard.type('14');
    await tabTo(page, 'button[type="submit"]', 'Send DEPRECATE');
    await page.keyboard.press('Enter');

    await waitForCurrentState(page, 'community.deprecated');
    expect(await page.locator('.live').innerText()).toBe(
      'DEPRECATE accepted: now community.deprecated.',
    );
    expect(await page.locator('.notice').first().innerText()).toMatch(
      /Superseded by the v2 connector[\s\S]*archived in 14 days/,
    );
    const stored = (await svc.api.get(`/v1/connectors/${id}`)).body;
    expect(stored.state).toBe('community.deprecated');
    expect(stored.deprecation.reason).toBe('Superseded by the v2 connector');
    await page.locator('.timeline li').nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.timeline li').first().innerText()).toMatch(
      /DEPRECATE[\s\S]*by mia[\s\S]*community\.active\s*→\s*community\.deprecated[\s\S]*Superseded/,
    );
  });

  it("shows a refused event as the problem's title and detail, and changes nothing", async () => {
    const { id } = await register(svc, { name: 'Certified Short Notice' });
    await sendEvent(svc, id, { type: 'REQUEST_CERTIFICATION' });
    await waitForState(svc, id, 'certified.active');
    const page = await signedIn(`/ui/connectors/${id}`);
    await waitForCurrentState(page, 'certified.active');

    await page.getByRole('button', { name: 'Deprecate' }).click();
    await page.getByLabel('Reason').fill('too soon');
    await page.getByLabel('Notice (days) (optional)').fill('1');
    await page.getByRole('button', { name: 'Send DEPRECATE' }).click();
    const alert = page.locator('.event-form [role="alert"]');
    await alert.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await alert.locator('.problem-title').innerText()).toBe('Blocked by policy (422)');
    expect(await alert.innerText()).toMatch(/at least 90 days/);
    expect(await currentState(page)).toBe('certified.active');
    expect((await svc.api.get(`/v1/connectors/${id}`)).body.state).toBe('certified.active');
  });

  it('shows a certification live: the gate runs, then ends, without a reload', async () => {
    const { id } = await register(svc, { name: 'Live Source', dockerImageTag: '1.0.0-held' });
    const page = await signedIn(`/ui/connectors/${id}`);
    await waitForCurrentState(page, 'community.active');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    await page.getByRole('button', { name: 'Request certification' }).click();
    await page.getByRole('button', { name: 'Send REQUEST_CERTIFICATION' }).click();
    await waitForCurrentState(page, 'community.certifying');
    expect(await page.locator('.live').innerText()).toMatch(
      /REQUEST_CERTIFICATION accepted: now community\.certifying\. Acceptance tests are running/,
    );
    // The run is held until the test lets it end: the page shows it running, then its result.
    await page.locator('.run[data-status="running"]').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.notice').first().innerText()).toMatch(
      /Acceptance tests for certification are running/,
    );
    cleanups.push(await releaseGate(id));
    await waitForCurrentState(page, 'certified.active');
    await page.locator('.run[data-status="passed"]').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.live').innerText()).toBe(
      'Now certified.active (was community.certifying).',
    );
    expect(await page.locator('.state-line').innerText()).toMatch(/certified\s+active/);
    expect(await page.locator('.timeline li').first().innerText()).toMatch(/ACCEPTANCE_PASSED/);
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
    expect(navigations).toBe(0);
  });

  it('sees a change someone else made, without a reload', async () => {
    const { id } = await register(svc, { name: 'Watched Source' });
    const page = await signedIn(`/ui/connectors/${id}`);
    await waitForCurrentState(page, 'community.active');
    await sendEvent(svc, id, { type: 'ARCHIVE', reason: 'nobody uses it' });
    await waitForCurrentState(page, 'archived.idle');
    expect(await page.locator('.live').innerText()).toBe(
      'Now archived.idle (was community.active).',
    );
    expect(await page.getByRole('heading', { name: 'Archived' }).count()).toBe(1);
  });

  it('approves an un-archive request from the review queue, which revives the connector', async () => {
    const { id } = await register(svc, { name: 'Revived Source' });
    await sendEvent(svc, id, { type: 'ARCHIVE', reason: 'unused' });
    await sendEvent(svc, id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'We use it again and will maintain it',
      dockerImageTag: '1.1.0',
      cdkVersion: '6.0.0',
    });
    await waitForState(svc, id, 'archived.unarchiveReview');

    const page = await signedIn('/ui/review');
    const card = page.locator(`.card[data-id="${id}"]`);
    await card.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await card.innerText()).toMatch(/We use it again and will maintain it/);
    await card.getByRole('button', { name: `Approve ${id}` }).click();
    await card.getByLabel('Reason (optional)').fill('Looks good');
    await card.getByRole('button', { name: 'Send APPROVE_UNARCHIVE' }).click();

    await page
      .locator('.live')
      .filter({ hasText: `APPROVE_UNARCHIVE accepted for ${id}: now community.active.` })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await card.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    const revived = (await svc.api.get(`/v1/connectors/${id}`)).body;
    expect(revived.state).toBe('community.active');
    const history = (await svc.api.get(`/v1/connectors/${id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({
      type: 'APPROVE_UNARCHIVE',
      actor: 'mia',
      payload: { reason: 'Looks good' },
    });
  });

  it('runs a dry sweep from the review queue and lists it with its candidates', async () => {
    const page = await signedIn('/ui/review');
    await page.getByRole('button', { name: 'Run a dry sweep' }).click();
    await page
      .locator('.live')
      .filter({ hasText: /^Dry sweep completed: \d+ candidates?$/ })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    const sweeps = (await svc.api.get('/v1/archival-sweeps')).body.items;
    expect(sweeps[0]).toMatchObject({ dryRun: true, status: 'completed', requestedBy: 'mia' });
    const card = page.locator(`[data-sweep="${sweeps[0].id}"]`);
    await card.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await card.innerText()).toMatch(/Dry run \(manual\)[\s\S]*completed[\s\S]*by mia/);
    // nothing changed: a dry run deprecates nothing
    expect(sweeps[0].summary.deprecated).toBe(0);
  });

  it('shows the gates running in the review queue', async () => {
    const { id } = await register(svc, { name: 'Held Gate', dockerImageTag: '1.0.0-held' });
    const page = await signedIn('/ui/review');
    await page.getByRole('heading', { name: 'Acceptance tests running' }).waitFor();
    await sendEvent(svc, id, { type: 'REQUEST_CERTIFICATION' });
    const gate = page.locator(`.card[data-id="${id}"]`);
    await gate.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await gate.innerText()).toMatch(/certifying[\s\S]*certification of[\s\S]*held/);
    cleanups.push(await releaseGate(id));
    await gate.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    expect((await svc.api.get(`/v1/connectors/${id}`)).body.state).toBe('certified.active');
  });
});
