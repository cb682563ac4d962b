import { cpus, totalmem } from 'node:os';
import { measureApiThroughput } from './api-throughput.js';

/** `npm run bench`: prints each figure; not a test. */
async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  const api = await measureApiThroughput();
  console.log(
    `API events (PUBLISH_RELEASE, 200 connectors, 32 clients, Redis AOF fsync always): ` +
      `${api.eventsPerSecond.toFixed(0)} events/s over ${api.events} events, ` +
      `p50 ${api.p50Ms.toFixed(1)} ms, p99 ${api.p99Ms.toFixed(1)} ms, errors ${api.errors}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
