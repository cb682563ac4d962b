import type { AcceptanceRunRecord } from '../api-types.js';
import { formatDateTime } from '../lib/format.js';
import { StatusBadge } from './badges.js';

/** Acceptance-test runs, newest first, each with its counts and the tail of its output. */
export function AcceptanceRuns({ runs }: { runs: AcceptanceRunRecord[] }) {
  if (!runs.length) return <p>No acceptance runs.</p>;
  const newestFirst = [...runs].sort((a, b) => (a.queuedAt < b.queuedAt ? 1 : -1));
  return (
    <ul class="runs">
      {newestFirst.map((r) => (
        <li key={r.id} class="run" data-run={r.id} data-status={r.status}>
          <div class="run-head">
            <StatusBadge status={r.status} />
            <strong>{r.eventType}</strong>
            <code class="wrap">{r.image}</code>
          </div>
          <dl class="fields compact">
            <dt>Queued</dt>
            <dd>{formatDateTime(r.queuedAt)}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(r.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(r.finishedAt)}</dd>
            <dt>Outcome</dt>
            <dd>
              {r.outcome ?? 'pending'}
              {r.reason ? ` — ${r.reason}` : r.exitCode !== null ? `, exit code ${r.exitCode}` : ''}
            </dd>
            {r.tests ? (
              <>
                <dt>Tests</dt>
                <dd>
                  {r.tests.total} total, {r.tests.passed} passed, {r.tests.failures} failed,{' '}
                  {r.tests.errors} errors, {r.tests.skipped} skipped
                </dd>
              </>
            ) : null}
          </dl>
          {r.outputTail ? (
            <details>
              <summary>Output (last lines)</summary>
              <pre class="output">{r.outputTail}</pre>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
