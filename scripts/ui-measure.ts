/**
 * Measures the dashboard with 1,000 connectors: the bytes a first visit of /ui transfers (assets
 * and API data), and the time until the catalog's 1,000 rows are on screen, signed out (GET
 * /v1/catalog) and signed in (GET /v1/connectors, two pages). Needs redis-server and Chromium.
 *   npx tsx scripts/ui-measure.ts [connectors=1000] [runs=5]
 */
import { launchBrowser, type TestBrowser } from '../test/support/browser.js';
import { buildUi } from './build-ui.js';
import { sampleConnector, startSampleService, type SampleService } from './ui-sample-service.js';

const COUNT = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 5);

async function fill(svc: SampleService): Promise<void> {
  const ids = Array.from(
    { length: COUNT },
    (_, i) => `source-sample-${String(i).padStart(4, '0')}`,
  );
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(
      ids.slice(i, i + 16).map((id, j) =>
        svc.api(
          'POST',
          '/v1/connectors',
          sampleConnector(id, `Sample ${i + j}`, {
            ...((i + j) % 10 === 0 ? { supportLevel: 'custom' } : {}),
          }),
        ),
      ),
    );
  }
  const listed = Math.round(COUNT * 0.9);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const doc = (await (await fetch(`${svc.url}/v1/catalog`)).json()) as { connectors: unknown[] };
    if (doc.connectors.length >= listed) break;
    if (Date.now() > deadline) throw new Error('the catalog did not catch up');
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Visit {
  ms: number;
  fcp: number | null;
  bytes: { assets: number; api: number };
}

async function visit(
  browser: TestBrowser,
  url: string,
  rows: number,
  token: string | null,
  cold: boolean,
): Promise<Visit> {
  const { page } = await browser.newPage({ width: 1280, height: 900 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.clearBrowserCache');
  const urls = new Map<string, string>();
  const bytes = { assets: 0, api: 0 };
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    const path = new URL(urls.get(e.requestId) ?? url).pathname;
    if (path.startsWith('/v1/')) bytes.api += e.encodedDataLength;
    else bytes.assets += e.encodedDataLength;
  });
  if (token) {
    // As if the user had signed in earlier in this tab.
    await page.addInitScript(
      (t: string) => (globalThis as any).sessionStorage.setItem('connector-lifecycle.token', t),
      token,
    );
  }
  await page.goto(url);
  // Page code (no string eval: the dashboard's CSP forbids it); the DOM is the browser's.
  const handle = await page.waitForFunction(
    (n: number) => {
      const g = globalThis as any;
      const shown = g.document.querySelectorAll('table.catalog tbody tr').length;
      return shown === n ? (g.performance.now() as number) : false;
    },
    rows,
    { polling: 'raf', timeout: 60_000 },
  );
  const ms = (await handle.jsonValue()) as number;
  const fcp = await page.evaluate(
    () =>
      ((globalThis as any).performance.getEntriesByName('first-contentful-paint')[0]?.startTime ??
        null) as number | null,
  );
  await page.close();
  return { ms, fcp, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  await buildUi();
  const svc = await startSampleService();
  const browser = await launchBrowser();
  try {
    await fill(svc);
    const doc = (await (await fetch(`${svc.url}/v1/catalog`)).json()) as { connectors: unknown[] };
    const catalog = doc.connectors.length;
    for (const [label, token, rows] of [
      ['signed out (GET /v1/catalog)', null, catalog],
      ['signed in (GET /v1/connectors)', svc.adminToken, COUNT],
    ] as const) {
      const visits: Visit[] = [];
      for (let i = 0; i < RUNS; i++)
        visits.push(await visit(browser, `${svc.url}/ui`, rows, token, i === 0));
      const [cold, ...warm] = visits;
      console.log(`${label}, ${rows} rows:`);
      console.log(
        `  first visit: ${cold!.bytes.assets} bytes of assets, ${cold!.bytes.api} bytes of API data; ` +
          `${rows} rows on screen after ${cold!.ms.toFixed(0)} ms (first paint ${cold!.fcp?.toFixed(0)} ms)`,
      );
      if (warm.length) {
        console.log(
          `  cached assets (median of ${warm.length}): ${median(warm.map((v) => v.bytes.assets))} bytes of assets; ` +
            `rows after ${median(warm.map((v) => v.ms)).toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await browser.close();
    await svc.stop();
  }
}

await main();
