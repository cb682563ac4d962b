import { writeFile } from 'node:fs/promises';
import { metadataText } from './airbyte-import.js';
import { startBenchServer } from './ceilings.js';
import { getLoad, type LoadResult } from './load.js';
import { startServiceUnderTest, waitForDrain } from './service-under-test.js';

type GetResult = LoadResult & { bytesPerResponse: number };

export interface CatalogReadResult {
  connectors: number;
  clients: number;
  seconds: number;
  bodyMb: number;
  seedSeconds: number;
  service: { full: GetResult; notModified: GetResult };
  /** a static Express handler sending the same document serialized once */
  ceiling: { full: GetResult; notModified: GetResult };
  /** the same handler with `res.json(parsedDoc)` (serialized per request) */
  staticResJson: GetResult;
}

export const CATALOG_LOAD = { connectors: 10_000, clients: 32, seconds: 8, warmupSeconds: 2 };

/**
 * GET /v1/catalog with `connectors` connectors (imported over POST /v1/imports, in batches, then
 * the catalog worker lists them): req/s of the full document (200) and with If-None-Match naming
 * its ETag (304), `clients` clients for `seconds` each. Ceiling, same run: a static Express JSON
 * handler in its own process serving the document the service returned.
 */
export async function measureCatalogRead({
  connectors = CATALOG_LOAD.connectors,
  clients = CATALOG_LOAD.clients,
  seconds = CATALOG_LOAD.seconds,
  warmupSeconds = CATALOG_LOAD.warmupSeconds,
} = {}): Promise<CatalogReadResult> {
  const sut = await startServiceUnderTest();
  const url = `${sut.base}/v1/catalog`;
  const run = (headers: Record<string, string>, expect: number) =>
    getLoad(url, { clients, seconds, warmupSeconds, headers, expect });
  let service: CatalogReadResult['service'];
  let body: string;
  let etag: string;
  let seedSeconds: number;
  try {
    const seedStart = performance.now();
    const BATCH = 2500;
    for (let i = 0; i < connectors; i += BATCH) {
      const metadata = Array.from({ length: Math.min(BATCH, connectors - i) }, (_, j) =>
        metadataText(i + j, '1.0.0'),
      );
      const res = await fetch(`${sut.base}/v1/imports`, {
        method: 'POST',
        headers: sut.headers,
        body: JSON.stringify({ metadata, maintainers: ['bench'] }),
      });
      if (res.status !== 200) throw new Error(`import: ${res.status} ${await res.text()}`);
    }
    await waitForDrain(sut.base);
    const res = await fetch(url);
    body = await res.text();
    etag = res.headers.get('etag')!;
    const listed = (JSON.parse(body) as { connectors: unknown[] }).connectors.length;
    if (res.status !== 200 || listed !== connectors) {
      throw new Error(`catalog: ${res.status}, ${listed} of ${connectors} connectors listed`);
    }
    seedSeconds = (performance.now() - seedStart) / 1000;
    service = { full: await run({}, 200), notModified: await run({ 'if-none-match': etag }, 304) };
    const after = await fetch(url, { headers: { 'if-none-match': etag } });
    if (after.status !== 304) throw new Error(`the catalog changed while measured`);
  } finally {
    await sut.stop();
  }

  const file = `/tmp/lifecycle-bench-catalog-${process.pid}.json`;
  await writeFile(file, body);
  const serve = async <T>(mode: string, measure: (url: string) => Promise<T>) => {
    const server = await startBenchServer('static-catalog-server.ts', {
      CATALOG_FILE: file,
      ETAG: etag,
      STATIC_MODE: mode,
    });
    try {
      return await measure(`${server.base}/v1/catalog`);
    } finally {
      await server.stop();
    }
  };
  const opts = { clients, seconds, warmupSeconds };
  const ceiling = await serve('buffer', async (u) => ({
    full: await getLoad(u, opts),
    notModified: await getLoad(u, { ...opts, headers: { 'if-none-match': etag }, expect: 304 }),
  }));
  const staticResJson = await serve('json', (u) => getLoad(u, opts));
  return {
    connectors,
    clients,
    seconds,
    bodyMb: Buffer.byteLength(body) / 2 ** 20,
    seedSeconds,
    service,
    ceiling,
    staticResJson,
  };
}
