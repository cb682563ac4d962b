import { writeFile } from 'node:fs/promises';
import { metadataText } from './airbyte-import.js';
import { startBenchServer, type BenchServer } from './ceilings.js';
import { alternate, getLoad, type LoadResult } from './load.js';
import { CpuMeter, type ProcessesCpu } from './process-cpu.js';
import { startServiceUnderTest, waitForDrain } from './service-under-test.js';

export interface CatalogReadResult {
  connectors: number;
  clients: number;
  seconds: number;
  rounds: number;
  bodyMb: number;
  seedSeconds: number;
  service: { full: LoadResult; notModified: LoadResult };
  /** a static Express handler sending the same document serialized once */
  ceiling: { full: LoadResult; notModified: LoadResult };
  /** the same handler with `res.json(parsedDoc)` (serialized per request) */
  staticResJson: LoadResult;
  /** CPU ms per 304 of each process during the measured 304 rounds (null: unknown) */
  notModifiedCpu: { service: ProcessesCpu; ceiling: ProcessesCpu };
}

export const CATALOG_LOAD = {
  connectors: 10_000,
  clients: 32,
  seconds: 3,
  rounds: 3,
  warmupSeconds: 2,
};

/**
 * GET /v1/catalog with `connectors` connectors (imported over POST /v1/imports, in batches, then
 * the catalog worker lists them): req/s of the full document (200) and with If-None-Match naming
 * its ETag (304), `clients` clients. Ceiling, same run: a static Express JSON handler in its own
 * process serving the document the service returned. Both run at once (the one not measured is
 * idle) and are measured in `rounds` alternating rounds of `seconds` each: the 200s first, then
 * the 304s.
 */
export async function measureCatalogRead({
  connectors = CATALOG_LOAD.connectors,
  clients = CATALOG_LOAD.clients,
  seconds = CATALOG_LOAD.seconds,
  rounds = CATALOG_LOAD.rounds,
  warmupSeconds = CATALOG_LOAD.warmupSeconds,
} = {}): Promise<CatalogReadResult> {
  const sut = await startServiceUnderTest();
  const servers: BenchServer[] = [];
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
    const url = `${sut.base}/v1/catalog`;
    const first = await fetch(url);
    const body = await first.text();
    const etag = first.headers.get('etag')!;
    const listed = (JSON.parse(body) as { connectors: unknown[] }).connectors.length;
    if (first.status !== 200 || listed !== connectors) {
      throw new Error(`catalog: ${first.status}, ${listed} of ${connectors} connectors listed`);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const file = `/tmp/lifecycle-bench-catalog-${process.pid}.json`;
    await writeFile(file, body);
    const serve = async (mode: string) => {
      const server = await startBenchServer('static-catalog-server.ts', {
        CATALOG_FILE: file,
        ETAG: etag,
        STATIC_MODE: mode,
      });
      servers.push(server);
      return server;
    };
    const ceilingServer = await serve('buffer');
    const staticUrl = `${ceilingServer.base}/v1/catalog`;
    const resJsonUrl = `${(await serve('json')).base}/v1/catalog`;

    const full = (u: string, s = seconds) => getLoad(u, { clients, seconds: s });
    const notModified = (u: string, s = seconds) =>
      getLoad(u, { clients, seconds: s, headers: { 'if-none-match': etag }, expect: 304 });
    for (const u of [url, staticUrl]) await full(u, warmupSeconds);
    const fullRounds = await alternate(rounds, {
      service: () => full(url),
      ceiling: () => full(staticUrl),
    });
    // The 304s come after all the 200s, not in turn with them: the load generator (this process)
    // collects the 200s' bodies (some 13 MB each) in the rounds that follow them, and a 304 round
    // that came after a 200 round paid for it (0.09 against 0.06 ms of its CPU per 304, in a full
    // run where the service's 304 rounds came after the ceiling's 200 rounds).
    for (const u of [url, staticUrl]) await notModified(u, warmupSeconds);
    const serviceCpu = new CpuMeter({
      server: sut.process.pid,
      redis: sut.redis.process.pid,
      load: process.pid,
    });
    const ceilingCpu = new CpuMeter({ server: ceilingServer.process.pid, load: process.pid });
    const notModifiedRounds = await alternate(rounds, {
      service: () => serviceCpu.measure(() => notModified(url)),
      ceiling: () => ceilingCpu.measure(() => notModified(staticUrl)),
    });
    const after = await fetch(url, { headers: { 'if-none-match': etag } });
    if (after.status !== 304) throw new Error(`the catalog changed while measured`);
    await full(resJsonUrl, warmupSeconds);
    const staticResJson = await full(resJsonUrl);
    return {
      connectors,
      clients,
      seconds,
      rounds,
      bodyMb: Buffer.byteLength(body) / 2 ** 20,
      seedSeconds,
      service: { full: fullRounds.service, notModified: notModifiedRounds.service },
      ceiling: { full: fullRounds.ceiling, notModified: notModifiedRounds.ceiling },
      staticResJson,
      notModifiedCpu: {
        service: serviceCpu.per(notModifiedRounds.service.requests),
        ceiling: ceilingCpu.per(notModifiedRounds.ceiling.requests),
      },
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await sut.stop();
  }
}
