import { cpus, totalmem } from 'node:os';
import type { ImportBenchResult } from './airbyte-import.js';
import { BUDGET_LOAD, type BudgetStep } from './api-budget.js';
import { API_LOAD, type ThroughputResult } from './api-throughput.js';
import type { SweepBenchResult } from './archival-sweep.js';
import { CATALOG_LOAD, type CatalogReadResult } from './catalog-read.js';
import type { LoadResult } from './load.js';
import {
  LATENCY_LOAD,
  STALL_THRESHOLD_MS,
  type LatencyResult,
  type RoundStalls,
} from './notification-latency.js';
import { measureInOwnProcess } from './own-process.js';
import { cpuTotal, type ProcessesCpu } from './process-cpu.js';
import { SERVICE_NODE_FLAGS } from '../src/service-node-flags.js';
import type { ScaleStep } from './scaling.js';
import { BENCH_APPENDFSYNC, buildService } from './service-under-test.js';

/**
 * `npm run bench [-- api|latency|sweep|import|catalog|scale|budget ...]`: builds the service,
 * measures each figure and, in the same run, its ceiling, each figure in a bench process of its
 * own (./own-process.ts), then prints one table (issue 13). Without arguments: everything but
 * `scale` and `budget`. Not a test.
 */

interface Row {
  figure: string;
  service: string;
  ceiling: string;
  ratio: string;
  goal: string;
  met: string;
}

const MEASUREMENTS = ['api', 'latency', 'sweep', 'import', 'catalog', 'scale', 'budget'] as const;
const DEFAULT = MEASUREMENTS.filter((m) => m !== 'scale' && m !== 'budget');

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
const load = (r: LoadResult, unit: string) =>
  `${f0(r.perSecond)} ${unit} over ${r.requests} in ${f1(r.seconds)} s, p50 ${f1(r.p50Ms)} ms, p99 ${f1(r.p99Ms)} ms, errors ${r.errors}`;

/** One latency round: its slowest webhook, the event loop's longest delay, Redis's slow events. */
const roundLine = (r: RoundStalls) =>
  [
    `${f1(r.slowestMs)} ms` +
      (r.slowestStages
        ? ` (answer ${f1(r.slowestStages.answerMs)}, to its job ${f0(r.slowestStages.toJobMs)}, to a worker ${f0(r.slowestStages.toWorkerMs)}, to the receiver ${f0(r.slowestStages.toArrivalMs)} ms)`
        : ''),
    ...(r.eventLoopMaxMs === null ? [] : [`loop ${f1(r.eventLoopMaxMs)} ms`]),
    r.redis.length === 0
      ? 'Redis none'
      : `Redis ${r.redis.map(([event, max]) => `${event} ${max} ms`).join(', ')}`,
  ].join(', ');

const ms = (n: number | null | undefined) => (n === null || n === undefined ? '?' : n.toFixed(2));

/**
 * The CPU each request cost the processes of a figure and of its ceiling. With every core busy,
 * throughput goes as the inverse of that total, so the ratio of the totals predicts the figure's
 * ratio: what the service must save per request to reach a ratio.
 */
function cpuLine(
  figure: string,
  cpu: { service: ProcessesCpu; ceiling: ProcessesCpu },
  measured: number,
): string {
  const part = (c: ProcessesCpu) =>
    [
      `process ${ms(c.server)}`,
      ...('redis' in c ? [`its Redis ${ms(c.redis)}`] : []),
      `load generator ${ms(c.load)} = ${ms(cpuTotal(c))}`,
    ].join(', ');
  const service = cpuTotal(cpu.service);
  const ceiling = cpuTotal(cpu.ceiling);
  const predicted =
    service === null || ceiling === null
      ? ''
      : `; with every core busy, the ratio of the totals (${f2(ceiling / service)}) predicts the figure's (${f2(measured)})`;
  return `${figure} CPU per request (ms, /proc): service ${part(cpu.service)}; ceiling ${part(cpu.ceiling)}${predicted}`;
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  for (const a of asked) {
    if (!(MEASUREMENTS as readonly string[]).includes(a)) {
      throw new Error(`unknown measurement ${a}: expected ${MEASUREMENTS.join(', ')}`);
    }
  }
  const want = (name: string) =>
    asked.length === 0 ? (DEFAULT as readonly string[]).includes(name) : asked.includes(name);
  const rows: Row[] = [];
  const details: string[] = [];
  const failed = (figure: string, err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    rows.push({ figure, service: `failed: ${message}`, ceiling: '', ratio: '', goal: '', met: '' });
    console.error(err);
  };

  if (MEASUREMENTS.some((m) => m !== 'sweep' && want(m))) buildService();
  const machine = `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${f0(totalmem() / 2 ** 30)} GiB, node ${process.version}; service: node ${SERVICE_NODE_FLAGS.join(' ')} dist/src/main.js in its own process (LOG_LEVEL=warn: no request lines), load from the bench process, one redis-server per measurement (AOF, appendfsync ${BENCH_APPENDFSYNC})`;
  console.log(machine);

  if (want('api')) {
    console.log('measuring: API throughput and its ceiling…');
    try {
      const r = await measureInOwnProcess<ThroughputResult>('api');
      const ratio = r.service.perSecond / r.ceiling.perSecond;
      const p99 = r.service.p99Ms / r.ceiling.p99Ms;
      rows.push(
        {
          figure: `events/s, PUBLISH_RELEASE over ${r.connectors} connectors, ${r.clients} clients, default single process`,
          service: f0(r.service.perSecond),
          ceiling: `${f0(r.ceiling.perSecond)} (Express + 2 Redis round trips)`,
          ratio: f2(ratio),
          goal: '≥ 0.7',
          met: yes(ratio >= 0.7),
        },
        {
          figure: 'p99 under that load',
          service: `${f1(r.service.p99Ms)} ms`,
          ceiling: `${f1(r.ceiling.p99Ms)} ms`,
          ratio: f2(p99),
          goal: '≤ 2',
          met: yes(p99 <= 2),
        },
      );
      details.push(
        `api: service and ceiling run at once, measured in ${r.rounds} alternating rounds after ${API_LOAD.warmup} warm-up events each`,
        `api service: ${load(r.service, 'events/s')}`,
        `api ceiling (bench/minimal-express-server.ts: express.json, HMGET, EVAL): ${load(r.ceiling, 'req/s')}`,
        cpuLine('api', r.cpu, ratio),
      );
    } catch (err) {
      failed('API throughput', err);
    }
  }

  if (want('latency')) {
    console.log('measuring: notification latency and its ceiling…');
    try {
      const r = await measureInOwnProcess<LatencyResult>('latency');
      const p50 = r.service.p50Ms / r.ceiling.p50Ms;
      const p99 = r.service.p99Ms / r.ceiling.p99Ms;
      rows.push(
        {
          figure: `event accepted → webhook received, p50, paced at ${r.perSecond} events/s`,
          service: `${f1(r.service.p50Ms)} ms`,
          ceiling: `${f1(r.ceiling.p50Ms)} ms (one raw BullMQ hop: add, process, POST)`,
          ratio: f2(p50),
          goal: '≤ 2',
          met: yes(p50 <= 2),
        },
        {
          figure: 'event → webhook p99',
          service: `${f1(r.service.p99Ms)} ms`,
          ceiling: `${f1(r.ceiling.p99Ms)} ms`,
          ratio: f2(p99),
          goal: '≤ 3',
          met: yes(p99 <= 3),
        },
      );
      const fig = (x: typeof r.service) =>
        `${x.events} events, p50 ${f1(x.p50Ms)} ms, p99 ${f1(x.p99Ms)} ms, max ${f1(x.maxMs)} ms (the producer's answer took p50 ${f1(x.answerP50Ms)} ms, p99 ${f1(x.answerP99Ms)} ms)`;
      details.push(
        `latency: open loop at ${r.perSecond}/s over ${LATENCY_LOAD.connectors} connectors, one subscription; the service, the raw hop and the outbox hop run at once, measured in ${LATENCY_LOAD.rounds} alternating rounds after ${LATENCY_LOAD.warmup} warm-up events each: service ${fig(r.service)}`,
        `latency ceiling (queue.add in the bench → bench/raw-hop-worker.ts, concurrency 8 → fetch POST): ${fig(r.ceiling)}`,
        `latency, the same hop behind an outbox (one script commits a key and an outbox entry → bench/outbox-hop-worker.ts relays it to BullMQ → POST): ${fig(r.outboxHop)}; ` +
          `${f2(r.outboxHop.p50Ms / r.ceiling.p50Ms)}× the raw hop at p50, ${f2(r.outboxHop.p99Ms / r.ceiling.p99Ms)}× at p99; ` +
          `the service is ${f2(r.service.p50Ms / r.outboxHop.p50Ms)}× and ${f2(r.service.p99Ms / r.outboxHop.p99Ms)}× this hop`,
        `latency, each measured round: its slowest webhook (the service's: where its time went, by the clocks of the bench and the service); the service's longest event-loop delay (prom-client); its Redis's latency monitor, events over ${STALL_THRESHOLD_MS} ms: ` +
          (['service', 'ceiling', 'outboxHop'] as const)
            .map((name) => `${name} ${r.rounds[name].map(roundLine).join(' | ')}`)
            .join('; '),
      );
    } catch (err) {
      failed('notification latency', err);
    }
  }

  if (want('sweep')) {
    console.log('measuring: archival sweep…');
    try {
      const r = await measureInOwnProcess<SweepBenchResult>('sweep');
      rows.push({
        figure: `sweep, ${r.connectors / 1000}k connectors × ${r.usageDays} days`,
        service: `${f1(r.sweepSeconds)} s, ${f0(r.peakRssMb)} MB peak RSS`,
        ceiling: '—',
        ratio: '—',
        goal: '≤ 4 s; ≤ 300 MB',
        met: yes(r.sweepSeconds <= 4 && r.peakRssMb <= 300),
      });
      details.push(
        `sweep (${r.candidates} candidates): dry run ${f1(r.dryRunSeconds)} s, sweep with ${r.deprecated} deprecations ${f1(r.sweepSeconds)} s, ` +
          `peak RSS ${f0(r.peakRssMb)} MB (baseline ${f0(r.baselineRssMb)} MB), peak heap ${f0(r.peakHeapMb)} MB (seeding took ${f0(r.seedSeconds)} s)`,
      );
    } catch (err) {
      failed('archival sweep', err);
    }
  }

  if (want('import')) {
    console.log('measuring: Airbyte import…');
    try {
      const r = await measureInOwnProcess<ImportBenchResult>('import');
      rows.push({
        figure: `Airbyte import, ${r.documents} metadata.yaml (${f1(r.bodyMb)} MB)`,
        service: `create ${f2(r.createSeconds)} s, unchanged ${f2(r.unchangedSeconds)} s, apply ${f2(r.applySeconds)} s`,
        ceiling: '—',
        ratio: '—',
        goal: '—',
        met: '—',
      });
      details.push(
        `import: create ${f2(r.createSeconds)} s (catalog lists all after ${f1(r.catalogSeconds)} s), re-import unchanged ${f2(r.unchangedSeconds)} s, ` +
          `apply ${r.documents} releases ${f2(r.applySeconds)} s; service peak RSS ${f0(r.peakRssMb)} MB (baseline ${f0(r.baselineRssMb)} MB)`,
      );
    } catch (err) {
      failed('Airbyte import', err);
    }
  }

  if (want('catalog')) {
    console.log('measuring: catalog GET and its ceiling…');
    try {
      const r = await measureInOwnProcess<CatalogReadResult>('catalog');
      const full = r.service.full.perSecond / r.ceiling.full.perSecond;
      const nm = r.service.notModified.perSecond / r.ceiling.notModified.perSecond;
      rows.push(
        {
          figure: `catalog GET with ${r.connectors} connectors (${f1(r.bodyMb)} MB): 200, req/s`,
          service: f0(r.service.full.perSecond),
          ceiling: `${f0(r.ceiling.full.perSecond)} (static Express handler, same document serialized once)`,
          ratio: f2(full),
          goal: '≥ 0.7',
          met: yes(full >= 0.7),
        },
        {
          figure: 'catalog GET, 304 on If-None-Match, req/s',
          service: f0(r.service.notModified.perSecond),
          ceiling: `${f0(r.ceiling.notModified.perSecond)} (same handler, fixed ETag check)`,
          ratio: f2(nm),
          goal: '≥ 0.7',
          met: yes(nm >= 0.7),
        },
      );
      details.push(
        `catalog: ${r.connectors} connectors imported and listed in ${f1(r.seedSeconds)} s; service and ceiling run at once, ${r.clients} clients, ${r.rounds} alternating rounds of ${r.seconds} s per figure, the 200s' rounds then the 304s' (after ${CATALOG_LOAD.warmupSeconds} s warm-up each)`,
        `catalog service 200: ${load(r.service.full, 'req/s')}; 304: ${load(r.service.notModified, 'req/s')}`,
        `catalog ceiling 200: ${load(r.ceiling.full, 'req/s')}; 304: ${load(r.ceiling.notModified, 'req/s')}`,
        `catalog, static handler with res.json(parsedDoc) per request (for comparison): ${load(r.staticResJson, 'req/s')}`,
        cpuLine('catalog 304', r.notModifiedCpu, nm),
      );
    } catch (err) {
      failed('catalog GET', err);
    }
  }

  if (want('scale')) {
    console.log('measuring: scaling with worker processes…');
    try {
      const steps = await measureInOwnProcess<ScaleStep[]>('scale');
      details.push(
        `scale (${API_LOAD.connectors} connectors, ${API_LOAD.clients} clients, PUBLISH_RELEASE, one webhook subscription; one Redis):`,
        '',
        '| processes | events/s accepted | p99 | backlog drained after | events fully processed/s | webhooks |',
        '| --- | --- | --- | --- | --- | --- |',
        ...steps.map(
          (s) =>
            `| ${s.workerProcesses === 0 ? '1 (all roles)' : `1 api + ${s.workerProcesses} worker`} | ${f0(s.load.perSecond)} | ${f1(s.load.p99Ms)} ms | ${f1(s.drainSeconds)} s | ${f0(s.processedPerSecond)} | ${s.webhooks} of ${s.load.requests} |`,
        ),
        '',
      );
    } catch (err) {
      failed('scaling', err);
    }
  }

  if (want('budget')) {
    console.log("measuring: the API figure's CPU budget…");
    try {
      const steps = await measureInOwnProcess<BudgetStep[]>('budget');
      const plain = steps.find((s) => s.extraUs === 0)?.load.perSecond ?? Number.NaN;
      details.push(
        `budget: the api figure's ceiling with a busy loop of a fixed CPU time per request on top, the api figure's load, ${BUDGET_LOAD.rounds} alternating rounds, ${BUDGET_LOAD.events} events each; CPU per request from /proc:`,
        '',
        '| extra CPU per request | events/s | ratio to the plain ceiling | p99 | server process | its Redis | load generator |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...steps.map(
          (s) =>
            `| ${s.extraUs} µs | ${f0(s.load.perSecond)} | ${f2(s.load.perSecond / plain)} | ${f1(s.load.p99Ms)} ms | ${ms(s.cpu.server)} ms | ${ms(s.cpu.redis)} ms | ${ms(s.cpu.load)} ms |`,
        ),
        '',
      );
    } catch (err) {
      failed('API budget', err);
    }
  }

  console.log('');
  console.log(machine);
  console.log('');
  if (rows.length > 0) {
    console.log('| figure | service | ceiling, same run | ratio | goal | met? |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      console.log(
        `| ${r.figure} | ${r.service} | ${r.ceiling} | ${r.ratio} | ${r.goal} | ${r.met} |`,
      );
    }
    console.log('');
  }
  for (const d of details) console.log(d);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
