import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type RecordedPage, type TestBrowser } from '../../support/browser.js';
import type { TestService } from '../../support/harness.js';
import {
  currentState,
  register,
  scrollsSideways,
  sendEvent,
  seriousViolations,
  signIn,
  startDashboardService,
  UI_TIMEOUT_MS,
  waitForCatalog,
  waitForState,
} from './helpers.js';

/** The catalog, sign-in, the connector page as read, accessibility and small screens. */
describe('dashboard pages in a browser', { timeout: 120_000 }, () => {
  let svc: TestService;
  let browser: TestBrowser;
  const pages: RecordedPage[] = [];
  let maintainer: string;
  const ids = {} as Record<'zeta' | 'alpha' | 'dest' | 'custom' | 'old' | 'certified', string>;

  async function open(path: string, width = 1280): Promise<RecordedPage> {
    const recorded = await browser.newPage({ width });
    pages.push(recorded);
    await recorded.page.goto(`${svc.url}${path}`);
    return recorded;
  }

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startDashboardService(), launchBrowser()]);
    maintainer = await svc.tokenFor('maintainer', 'mia');
    ids.zeta = (await register(svc, { name: 'Zeta Warehouse' })).id;
    ids.alpha = (await register(svc, { name: 'Alpha Files' })).id;
    ids.dest = (await register(svc, { type: 'destination', name: 'Beta Lake' })).id;
    ids.custom = (await register(svc, { supportLevel: 'custom', name: 'Private Thing' })).id;
    ids.old = (await register(svc, { name: 'Old API' })).id;
    await sendEvent(svc, ids.old, { type: 'DEPRECATE', reason: 'API shut down', noticeDays: 10 });
    ids.certified = (await register(svc, { name: 'Gamma Certified' })).id;
    await sendEvent(svc, ids.certified, { type: 'REQUEST_CERTIFICATION' });
    await waitForState(svc, ids.certified, 'certified.active');
    await waitForCatalog(svc, ids.certified, 'active');
    await waitForCatalog(svc, ids.old, 'deprecated');
  });

  afterAll(async () => {
    await browser?.close();
    await svc?.cleanup();
  });

  it('renders the public catalog with counts, and search narrows it', async () => {
    const { page } = await open('/ui');
    const rows = page.locator('table.catalog tbody tr');
    await page.locator(`tr[data-id="${ids.certified}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    // Public: community and certified only, never the custom one.
    expect(await rows.count()).toBe(5);
    expect(await page.locator(`tr[data-id="${ids.custom}"]`).count()).toBe(0);
    expect(await page.locator('[data-level="community"] .count-total').innerText()).toBe('4');
    expect(await page.locator('[data-level="certified"] .count-total').innerText()).toBe('1');
    expect(await page.locator('[data-level="community"] .count-statuses').innerText()).toBe(
      '3 active · 1 deprecated',
    );
    const old = page.locator(`tr[data-id="${ids.old}"]`);
    expect(await old.innerText()).toMatch(/deprecated[\s\S]*archived in 10 days/);

    await page.getByLabel('Search id, name or repository').fill('zeta');
    await page.waitForFunction(
      () => document.querySelectorAll('table.catalog tbody tr').length === 1,
    );
    expect(await rows.first().getAttribute('data-id')).toBe(ids.zeta);
    expect(await page.getByRole('status').filter({ hasText: 'connectors' }).innerText()).toBe(
      '1 of 5 connectors',
    );
    // the filters are in the address: a link to them shows the same
    expect(new URL(page.url()).searchParams.get('q')).toBe('zeta');

    await page.getByLabel('Search id, name or repository').fill('');
    await page.getByLabel('Type').selectOption('destination');
    await page.waitForFunction(
      () => document.querySelectorAll('table.catalog tbody tr').length === 1,
    );
    expect(await rows.first().getAttribute('data-id')).toBe(ids.dest);
  });

  it('signs in with a token (this tab only) and then shows what the token may see', async () => {
    const { page } = await open('/ui');
    await page.locator(`tr[data-id="${ids.zeta}"]`).waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await alert.innerText()).toMatch(/Unauthorized \(401\)[\s\S]*unknown or revoked/);

    await signIn(page, maintainer);
    expect(await page.locator('.session').innerText()).toMatch(/Signed in as mia \(maintainer\)/);
    await page.locator(`tr[data-id="${ids.custom}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('[data-level="custom"] .count-total').innerText()).toBe('1');
    // the token is in this tab's sessionStorage, nowhere else
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.keys(localStorage).length,
      cookies: document.cookie,
    }));
    expect(stored).toEqual({ session: [maintainer], local: 0, cookies: '' });
    // a reload keeps it (same tab); a new tab does not have it
    await page.reload();
    await page.getByText('Signed in as').waitFor({ timeout: UI_TIMEOUT_MS });
    const other = await open('/ui');
    await other.page.getByLabel('API token').waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('shows a connector with the state diagram, its current state and the path it took', async () => {
    const { page } = await open(`/ui/connectors/${ids.certified}`);
    await signIn(page, maintainer);
    await page
      .getByRole('heading', { name: 'Gamma Certified' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await currentState(page)).toBe('certified.active');
    // every state of GET /v1/machine is drawn, one of them current
    expect(await page.locator('svg [data-state]').count()).toBe(10);
    expect(await page.locator('svg [data-current="true"]').count()).toBe(1);
    const taken = await page
      .locator('svg [data-taken="true"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')));
    expect(taken.sort()).toEqual([
      'community.active->community.certifying',
      'community.certifying->certified.active',
    ]);
    expect(await page.locator('svg desc').textContent()).toBe(
      'Current state: certified.active. Path taken: community.active → community.certifying → certified.active.',
    );
    // history (actor, from → to), the passed run with its output, the allowed events
    const history = page.locator('.timeline li');
    await history.nth(2).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await history.first().innerText()).toMatch(
      /ACCEPTANCE_PASSED[\s\S]*community\.certifying\s*→\s*certified\.active/,
    );
    expect(await history.last().innerText()).toMatch(/REGISTER[\s\S]*by admin/);
    expect(await page.locator('.run').first().getAttribute('data-status')).toBe('passed');
    await page.getByText('Output (last lines)').click();
    expect(await page.locator('.run pre').innerText()).toContain(`cat ${ids.certified}`);
    const buttons = await page.locator('.actions button').allInnerTexts();
    expect(buttons).toEqual(['Demote to community', 'Deprecate', 'Publish a release']);
  });

  it('signed out, a connector page shows what the public catalog says', async () => {
    const { page } = await open(`/ui/connectors/${ids.old}`);
    await page.getByRole('heading', { name: 'Old API' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await currentState(page)).toBe('community.deprecated');
    expect(await page.locator('.notice').innerText()).toMatch(/API shut down/);
    expect(await page.locator('.actions').count()).toBe(0);
  });

  it('has an accessible name on every control (axe: no serious or critical violation)', async () => {
    const anonymous = await open('/ui');
    await anonymous.page
      .locator('table.catalog tbody tr')
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await seriousViolations(anonymous.page)).toEqual([]);

    const { page } = await open(`/ui/connectors/${ids.zeta}`);
    await signIn(page, maintainer);
    await page.getByRole('button', { name: 'Publish a release' }).click();
    await page.getByLabel('This release has a breaking change').check();
    await page.getByLabel('Migration guide URL').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('button', { name: 'Run a dry sweep' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Catalog' }).click();
    await page.locator(`tr[data-id="${ids.custom}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('fits a 375-pixel-wide screen: nothing scrolls sideways', async () => {
    const { page } = await open('/ui', 375);
    await page.locator('table.catalog tbody tr').first().waitFor({ timeout: UI_TIMEOUT_MS });
    let size = await scrollsSideways(page);
    expect(size.scrollWidth, 'catalog').toBeLessThanOrEqual(size.width);
    expect(size.width).toBe(375);

    await signIn(page, maintainer);
    await page.locator(`a[href="/ui/connectors/${ids.old}"]`).click();
    await page.locator('svg [data-current="true"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Publish a release' }).click();
    await page.getByLabel('This release has a breaking change').check();
    await page.locator('.timeline li').first().waitFor({ timeout: UI_TIMEOUT_MS });
    size = await scrollsSideways(page);
    expect(size.scrollWidth, 'connector').toBeLessThanOrEqual(size.width);

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('button', { name: 'Run a dry sweep' }).waitFor({ timeout: UI_TIMEOUT_MS });
    size = await scrollsSideways(page);
    expect(size.scrollWidth, 'review').toBeLessThanOrEqual(size.width);
  });

  it('makes no request outside the service’s origin, and no page logged an error', () => {
    const origin = new URL(svc.url!).origin;
    const all = pages.flatMap((p) => p.requests);
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    // the 401 of the wrong token is the one expected error in the console
    const errors = pages.flatMap((p) => p.errors).filter((e) => !/401/.test(e));
    expect(errors).toEqual([]);
  });
});
