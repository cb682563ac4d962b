import type { ApiClient } from '../api-client.js';
import type { AcceptanceRun, Connector } from '../api-types.js';
import type { Output } from '../output.js';
import { elapsed, shortId } from '../tables.js';
import { pollUntil } from './poll.js';

export interface GateResult {
  connector: Connector;
  passed: boolean;
  run: AcceptanceRun | undefined;
  /** the event that ended the gate (ACCEPTANCE_PASSED, ACCEPTANCE_FAILED) */
  result: string | undefined;
}

/**
 * Waits for the gate a 202 answer started (SPEC §7) to end: polls the connector until it leaves
 * the gate (its version moves on), and its acceptance runs to show progress on stderr. The verdict
 * is the event that ended the gate, as the history records it.
 */
export async function waitForGate(
  client: ApiClient,
  out: Output,
  started: Connector,
  timeoutMs: number,
): Promise<GateResult> {
  const id = started.id;
  const runId = started.acceptanceRun?.runId;
  const runOf = (runs: AcceptanceRun[]) =>
    runs.find((r) => r.id === runId) ?? (runId ? undefined : runs.at(-1));
  let lastStatus: string | undefined;
  let lastPrinted = 0;
  const connector = await pollUntil(
    async (ms) => {
      const [current, runs] = await Promise.all([
        client.getConnector(id),
        client.acceptanceRuns(id),
      ]);
      const run = runOf(runs.items);
      const ended = current.version !== started.version || current.state !== started.state;
      if (!ended) {
        const status = run?.status ?? 'queued';
        // On a terminal the line ticks; in a log, a line per change and one every 15 s.
        if (out.stderrIsTty || status !== lastStatus || ms - lastPrinted >= 15_000) {
          out.status(
            `${id}: acceptance tests ${status} (run ${shortId(run?.id ?? runId)}, ${elapsed(ms)})`,
          );
          lastStatus = status;
          lastPrinted = ms;
        }
        return undefined;
      }
      return current;
    },
    {
      timeoutMs,
      what: `the acceptance tests of ${id}`,
      onTransientError: (err) => out.note(`(retrying: ${err.message})`),
    },
  );
  out.endStatus();
  const [history, runs] = await Promise.all([client.history(id), client.acceptanceRuns(id)]);
  const result = history.items.find((h) => h.version === started.version + 1)?.type;
  const run = runOf(runs.items);
  const passed = result !== undefined ? result === 'ACCEPTANCE_PASSED' : run?.outcome === 'passed';
  return { connector, passed, run, result };
}

/** What the run did, for stderr: counts, the reason and the end of its output. */
export function gateSummary(g: GateResult): string[] {
  const run = g.run;
  const lines = [
    `Acceptance tests ${g.passed ? 'passed' : 'failed'}: ${g.connector.id} is now ${g.connector.state} (version ${g.connector.version}).`,
  ];
  if (!run) return lines;
  const tests =
    run.tests && run.tests.total > 0
      ? `; tests: ${run.tests.total} total, ${run.tests.failures} failed, ${run.tests.errors} errors, ${run.tests.skipped} skipped`
      : '';
  lines.push(
    `Run ${run.id}: ${run.outcome ?? run.status}${run.exitCode !== null ? `, exit code ${run.exitCode}` : ''}${tests}.`,
  );
  if (!g.passed) {
    if (run.reason) lines.push(`Reason: ${run.reason}`);
    const tail = run.outputTail.trimEnd().split('\n').slice(-15);
    if (tail.length && tail[0] !== '')
      lines.push('Output (last lines):', ...tail.map((l) => `  ${l}`));
  }
  return lines;
}
