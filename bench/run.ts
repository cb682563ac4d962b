import { cpus, totalmem } from 'node:os';
import { measureAirbyteImport } from './airbyte-import.js';
import { measureApiThroughput } from './api-throughput.js';
import { measureArchivalSweep } from './archival-sweep.js';
import { measureMinimalExpress, measureRawBullmq } from './ceilings.js';
import { measureNotificationLatency } from './notification-latency.js';

/** `npm run bench [-- api|latency|sweep|import ...]`: prints each figure; not a test. */
async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const want = (name: string) => only.size === 0 || only.has(name);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  if (want('api')) {
    const api = await measureApiThroughput();
    console.log(
      `API events (PUBLISH_RELEASE, 200 connectors, 32 clients, Redis AOF fsync always): ` +
        `${api.eventsPerSecond.toFixed(0)} events/s over ${api.events} events, ` +
        `p50 ${api.p50Ms.toFixed(1)} ms, p99 ${api.p99Ms.toFixed(1)} ms, errors ${api.errors}`,
    );
    const bull = await measureRawBullmq();
    console.log(
      `raw BullMQ (same Redis settings, 32 concurrency): ${bull.jobsPerSecond.toFixed(0)} jobs/s added and processed (${bull.jobs} jobs)`,
    );
    const minimal = await measureMinimalExpress();
    console.log(
      `minimal Express handler with the same 3 Redis round trips: ${minimal.requestsPerSecond.toFixed(0)} req/s, ` +
        `p50 ${minimal.p50Ms.toFixed(1)} ms, p99 ${minimal.p99Ms.toFixed(1)} ms`,
    );
    // One event produces about 2 jobs (a notification and a catalog refresh).
    console.log(
      `ratios: API/minimal Express ${(api.eventsPerSecond / minimal.requestsPerSecond).toFixed(2)}, ` +
        `API jobs (2 per event)/raw BullMQ ${((2 * api.eventsPerSecond) / bull.jobsPerSecond).toFixed(2)}`,
    );
  }
  if (want('latency')) {
    const latency = await measureNotificationLatency();
    console.log(
      `notification latency (event accepted → webhook received, ${latency.events} events, 8 clients): ` +
        `p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms, max ${latency.maxMs.toFixed(1)} ms`,
    );
  }
  if (want('sweep')) {
    const sweep = await measureArchivalSweep();
    console.log(
      `archival sweep (${sweep.connectors} connectors × ${sweep.usageDays} days of usage, ${sweep.candidates} candidates): ` +
        `dry run ${sweep.dryRunSeconds.toFixed(1)} s, sweep with ${sweep.deprecated} deprecations ${sweep.sweepSeconds.toFixed(1)} s, ` +
        `peak RSS ${sweep.peakRssMb.toFixed(0)} MB (baseline ${sweep.baselineRssMb.toFixed(0)} MB), peak heap ${sweep.peakHeapMb.toFixed(0)} MB ` +
        `(seeding took ${sweep.seedSeconds.toFixed(0)} s)`,
    );
  }
  if (want('import')) {
    const imp = await measureAirbyteImport();
    console.log(
      `Airbyte import (POST /v1/imports, ${imp.documents} generated metadata.yaml, ${imp.bodyMb.toFixed(1)} MB body): ` +
        `create ${imp.createSeconds.toFixed(2)} s (catalog lists all after ${imp.catalogSeconds.toFixed(1)} s), ` +
        `re-import unchanged ${imp.unchangedSeconds.toFixed(2)} s, apply ${imp.documents} releases ${imp.applySeconds.toFixed(2)} s; ` +
        `service peak RSS ${imp.peakRssMb.toFixed(0)} MB (baseline ${imp.baselineRssMb.toFixed(0)} MB)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
