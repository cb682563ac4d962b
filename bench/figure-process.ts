/**
 * Runs one figure's measurement in this process and sends its result to the parent over the IPC
 * channel (started by measureInOwnProcess, ./own-process.ts). Only the asked figure's module is
 * loaded, so that the sweep's peak RSS counts no other figure's code.
 */
import type { FigureName } from './own-process.js';

const MEASURE: Record<FigureName, () => Promise<unknown>> = {
  api: async () => (await import('./api-throughput.js')).measureApiThroughput(),
  latency: async () => (await import('./notification-latency.js')).measureNotificationLatency(),
  sweep: async () => (await import('./archival-sweep.js')).measureArchivalSweep(),
  import: async () => (await import('./airbyte-import.js')).measureAirbyteImport(),
  catalog: async () => (await import('./catalog-read.js')).measureCatalogRead(),
  scale: async () => (await import('./scaling.js')).measureScaling(),
  budget: async () => (await import('./api-budget.js')).measureApiBudget(),
};

// The parent bench is gone (however it ended): exit, which stops every process this one started
// (./service-under-test.ts kills them on exit).
process.on('disconnect', () => process.exit(1));

const figure = process.argv[2] as FigureName;
const measure = MEASURE[figure];
if (!measure || !process.send)
  throw new Error(`figure-process: unknown figure or no IPC: ${figure}`);
const result = await measure();
await new Promise<void>((resolve, reject) =>
  process.send!(result, (err: Error | null) => (err ? reject(err) : resolve())),
);
process.exit(0);
