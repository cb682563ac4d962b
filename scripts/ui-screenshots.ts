/**
 * Starts a service with sample connectors and saves screenshots of the dashboard's pages to
 * docs/screenshots/ (needs redis-server and Chromium at /usr/bin/chromium, or CHROMIUM_PATH).
 *   npm run screenshots
 */
import { mkdir } from 'node:fs/promises';
import { launchBrowser } from '../test/support/browser.js';
import { buildUi } from './build-ui.js';
import { sampleConnector, startSampleService, type SampleService } from './ui-sample-service.js';

const OUT = 'docs/screenshots';
const DAY_MS = 86_400_000;

async function seed(svc: SampleService): Promise<{ maintainer: string }> {
  const { token: maintainer } = await svc.api<{ token: string }>('POST', '/v1/tokens', {
    subject: 'mia',
    role: 'maintainer',
  });
  const { token: contributor } = await svc.api<{ token: string }>('POST', '/v1/tokens', {
    subject: 'carol',
    role: 'contributor',
  });
  const register = (id: string, name: string, extra: Record<string, unknown> = {}) =>
    svc.api('POST', '/v1/connectors', sampleConnector(id, name, extra), maintainer);
  const event = (id: string, body: Record<string, unknown>, token = maintainer) =>
    svc.api('POST', `/v1/connectors/${id}/events`, body, token);

  for (const [id, name] of [
    ['source-postgres', 'Postgres'],
    ['source-stripe', 'Stripe'],
    ['destination-snowflake', 'Snowflake'],
    ['source-hubspot', 'HubSpot'],
    ['source-faker', 'Faker'],
    ['destination-duckdb', 'DuckDB'],
    ['source-legacy-crm', 'Legacy CRM'],
    ['source-old-weather', 'Old Weather'],
    ['source-dead-api', 'Dead API'],
    ['source-revived-app', 'Revived App'],
    ['source-jira', 'Jira'],
  ] as const) {
    await register(id, name, id === 'source-jira' ? { dockerImageTag: '1.0.0-held' } : {});
  }
  await register('source-internal-billing', 'Internal Billing', { supportLevel: 'custom' });

  const certified = ['source-postgres', 'source-stripe', 'destination-snowflake'];
  for (const id of [...certified, 'source-old-weather']) {
    await event(id, { type: 'REQUEST_CERTIFICATION' });
  }
  for (const id of [...certified, 'source-old-weather']) {
    await svc.waitForState(id, 'certified.active');
  }
  await event('source-postgres', { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' });
  const deadline = new Date(Date.now() + 20 * DAY_MS).toISOString().slice(0, 10);
  await event('source-stripe', {
    type: 'PUBLISH_RELEASE',
    dockerImageTag: '2.0.0',
    cdkVersion: '6.1.0',
    breakingChange: {
      message: 'The charges stream moves to the Payment Intents API; re-run a full refresh.',
      upgradeDeadline: deadline,
      migrationDocumentationUrl: 'https://docs.example.com/integrations/sources/stripe-migrations',
    },
  });
  await event('source-legacy-crm', {
    type: 'DEPRECATE',
    reason: 'The vendor retired this API; use the HubSpot connector.',
    noticeDays: 21,
    replacement: 'source-hubspot',
  });
  await event('source-old-weather', {
    type: 'DEPRECATE',
    reason: 'Upstream service ends next quarter.',
    noticeDays: 120,
  });
  await event('source-dead-api', { type: 'ARCHIVE', reason: 'No users for a year.' });
  await event('source-revived-app', { type: 'ARCHIVE', reason: 'Unmaintained.' });
  await event(
    'source-revived-app',
    {
      type: 'REQUEST_UNARCHIVE',
      justification:
        'Our team uses it daily; we updated it to the current CDK and will maintain it.',
      dockerImageTag: '1.2.0',
      cdkVersion: '6.0.0',
    },
    contributor,
  );
  await svc.waitForState('source-revived-app', 'archived.unarchiveReview');

  // Usage keeps most community connectors out of the sweep's candidates.
  const today = new Date().toISOString().slice(0, 10);
  await svc.api('POST', '/v1/usage', {
    entries: ['source-hubspot', 'source-jira'].map((connectorId) => ({
      connectorId,
      date: today,
      activeConnections: 120,
      syncs: 400,
    })),
  });
  const { id: sweepId } = await svc.api<{ id: string }>(
    'POST',
    '/v1/archival-sweeps',
    { dryRun: true },
    maintainer,
  );
  const sweepDeadline = Date.now() + 30_000;
  while (
    (await svc.api<{ status: string }>('GET', `/v1/archival-sweeps/${sweepId}`)).status !==
    'completed'
  ) {
    if (Date.now() > sweepDeadline) throw new Error('the dry sweep did not complete');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Last: a certification whose tests are still running while the pictures are taken.
  await event('source-jira', { type: 'REQUEST_CERTIFICATION' });
  return { maintainer };
}

async function main() {
  await buildUi();
  await mkdir(OUT, { recursive: true });
  const svc = await startSampleService({ LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0' });
  const browser = await launchBrowser();
  try {
    const { maintainer } = await seed(svc);
    const { page, requests } = await browser.newPage({ width: 1280, height: 900 });
    await page.goto(`${svc.url}/ui`);
    await page.getByLabel('API token').fill(maintainer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-id="source-internal-billing"]').waitFor();
    await page.screenshot({ path: `${OUT}/catalog.png`, fullPage: true });

    await page.locator('a[href="/ui/connectors/source-stripe"]').click();
    await page.locator('.timeline li').nth(3).waitFor();
    await page.locator('.run').first().waitFor();
    await page.getByRole('button', { name: 'Deprecate' }).click();
    await page.getByLabel('Reason').fill('Replaced by the v3 connector');
    await page.screenshot({ path: `${OUT}/connector.png`, fullPage: true });

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.locator('.card[data-id="source-revived-app"]').waitFor();
    await page.locator('.card[data-id="source-jira"]').waitFor();
    await page.locator('[data-sweep]').first().waitFor();
    await page.screenshot({ path: `${OUT}/review.png`, fullPage: true });

    const mobile = await browser.newPage({ width: 375, height: 812 });
    await mobile.page.goto(`${svc.url}/ui`);
    await mobile.page.locator('tr[data-id="source-stripe"]').waitFor();
    await mobile.page.screenshot({ path: `${OUT}/catalog-375.png` });

    const origin = new URL(svc.url).origin;
    const foreign = [...requests, ...mobile.requests].filter((u) => new URL(u).origin !== origin);
    if (foreign.length) throw new Error(`requests left the origin: ${foreign.join(', ')}`);
    console.log(
      `screenshots saved in ${OUT}/: catalog.png, connector.png, review.png, catalog-375.png`,
    );
  } finally {
    await browser.close();
    await svc.stop();
  }
}

await main();
