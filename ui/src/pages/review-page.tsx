import { useState } from 'preact/hooks';
import type { Connector, Problem, SweepRecord } from '../api-types.js';
import { LevelBadge, StatusBadge } from '../components/badges.js';
import { EventAction, type EventResult } from '../components/event-action.js';
import { ProblemAlert, toProblem } from '../components/problem-alert.js';
import { ApiError, idempotencyKey, request, requestAll } from '../lib/api-client.js';
import { archiveCountdown, formatDateTime, fromNow, plural } from '../lib/format.js';
import { useSession } from '../lib/session.js';
import { usePolling } from '../lib/use-polling.js';
import { useTitle } from '../lib/use-title.js';

const REFRESH_MS = 4_000;
const SWEEP_POLL_MS = 1_000;
const GATE_STATUSES = ['contributing', 'certifying', 'unarchiveTesting'] as const;
const SOONEST = 10;
const LAST_SWEEPS = 5;

interface Queue {
  review: Connector[];
  gates: Connector[];
  deprecated: Connector[];
  sweeps: SweepRecord[] | null;
}

export function ReviewPage() {
  useTitle('Review queue');
  const session = useSession();
  if (session.checking) return <p role="status">Checking your token…</p>;
  if (!session.token) {
    return (
      <>
        <h1 tabIndex={-1}>Review queue</h1>
        <p>Sign in with a token to see the review queue.</p>
      </>
    );
  }
  return <ReviewQueue key={session.token} token={session.token} />;
}

function ReviewQueue({ token }: { token: string }) {
  const session = useSession();
  const maintainer = session.can('maintainer');
  const [queue, setQueue] = useState<Queue | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState('');

  const refresh = usePolling(
    async (active) => {
      try {
        const list = (query: string) => requestAll<Connector>(`/v1/connectors?${query}`, token);
        const [review, gates, deprecated, sweeps] = await Promise.all([
          list('supportLevel=archived&status=unarchiveReview'),
          Promise.all(GATE_STATUSES.map((s) => list(`status=${s}`))).then((l) => l.flat()),
          list('status=deprecated'),
          maintainer
            ? request<{ items: SweepRecord[] }>(`/v1/archival-sweeps?limit=${LAST_SWEEPS}`, {
                token,
              }).then((r) => r.items)
            : Promise.resolve(null),
        ]);
        if (!active()) return;
        deprecated.sort((a, b) =>
          (a.deprecation?.archiveAt ?? '').localeCompare(b.deprecation?.archiveAt ?? ''),
        );
        gates.sort((a, b) =>
          (a.acceptanceRun?.requestedAt ?? '').localeCompare(b.acceptanceRun?.requestedAt ?? ''),
        );
        setQueue({ review, gates, deprecated: deprecated.slice(0, SOONEST), sweeps });
        setProblem(null);
      } catch (err) {
        if (!active()) return;
        setProblem(toProblem(err));
        // a revoked token: back to what anyone may see
        if (err instanceof ApiError && err.status === 401) session.signOut();
      }
    },
    REFRESH_MS,
    [token, maintainer],
  );

  const onDone = ({ event, connector }: EventResult) => {
    setMessage(`${event} accepted for ${connector.id}: now ${connector.state}.`);
    refresh();
  };

  return (
    <>
      <h1 tabIndex={-1}>Review queue</h1>
      <p class="live" role="status">
        {message}
      </p>
      <ProblemAlert problem={problem} />
      {!queue ? (
        <p role="status">Loading…</p>
      ) : (
        <>
          <section aria-labelledby="review-heading">
            <h2 id="review-heading">Un-archive requests awaiting review</h2>
            {queue.review.length ? (
              <ul class="cards">
                {queue.review.map((c) => (
                  <li key={c.id} class="card" data-id={c.id}>
                    <p>
                      <a href={`/ui/connectors/${c.id}`}>{c.name}</a> <code>{c.id}</code>
                    </p>
                    {c.unarchiveRequest ? (
                      <p>
                        {c.unarchiveRequest.requester} asked{' '}
                        {fromNow(c.unarchiveRequest.requestedAt)} to revive it with{' '}
                        <code>{c.unarchiveRequest.dockerImageTag}</code> (CDK{' '}
                        {c.unarchiveRequest.cdkVersion}): {c.unarchiveRequest.justification}
                      </p>
                    ) : null}
                    {maintainer ? (
                      <div class="actions">
                        <EventAction
                          connector={c}
                          event="APPROVE_UNARCHIVE"
                          label={`Approve ${c.id}`}
                          onDone={onDone}
                        />
                        <EventAction
                          connector={c}
                          event="REJECT_UNARCHIVE"
                          label={`Reject ${c.id}`}
                          onDone={onDone}
                        />
                      </div>
                    ) : (
                      <p class="muted">A maintainer approves or rejects it.</p>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No request awaits review.</p>
            )}
          </section>

          <section aria-labelledby="gates-heading">
            <h2 id="gates-heading">Acceptance tests running</h2>
            {queue.gates.length ? (
              <ul class="cards">
                {queue.gates.map((c) => (
                  <li key={c.id} class="card" data-id={c.id}>
                    <p>
                      <a href={`/ui/connectors/${c.id}`}>{c.id}</a>{' '}
                      <StatusBadge status={c.status} />
                    </p>
                    {c.acceptanceRun ? (
                      <p>
                        {c.acceptanceRun.purpose} of{' '}
                        <code class="wrap">{c.acceptanceRun.image}</code>, requested by{' '}
                        {c.acceptanceRun.requestedBy} {fromNow(c.acceptanceRun.requestedAt)}
                      </p>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No gate is running.</p>
            )}
          </section>

          <section aria-labelledby="deprecations-heading">
            <h2 id="deprecations-heading">Deprecations ending soonest</h2>
            {queue.deprecated.length ? (
              <ul class="cards">
                {queue.deprecated.map((c) => (
                  <li key={c.id} class="card" data-id={c.id}>
                    <p>
                      <a href={`/ui/connectors/${c.id}`}>{c.id}</a>{' '}
                      <LevelBadge level={c.supportLevel} />{' '}
                      {c.deprecation ? (
                        <strong>{archiveCountdown(c.deprecation.archiveAt)}</strong>
                      ) : null}
                    </p>
                    {c.deprecation ? (
                      <p>
                        {c.deprecation.automated ? 'Automated: ' : ''}
                        {c.deprecation.reason}
                      </p>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No connector is deprecated.</p>
            )}
          </section>

          <Sweeps sweeps={queue.sweeps} token={token} onFinished={refresh} />
        </>
      )}
    </>
  );
}

function Sweeps({
  sweeps,
  token,
  onFinished,
}: {
  sweeps: SweepRecord[] | null;
  token: string;
  onFinished: () => void;
}) {
  const [running, setRunning] = useState<SweepRecord | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  usePolling(
    async (active) => {
      if (!running || running.status === 'completed' || running.status === 'failed') return;
      try {
        const r = await request<SweepRecord>(`/v1/archival-sweeps/${running.id}`, { token });
        if (!active()) return;
        setRunning(r);
        if (r.status === 'completed' || r.status === 'failed') onFinished();
      } catch (err) {
        if (active()) setProblem(toProblem(err));
      }
    },
    SWEEP_POLL_MS,
    [running?.id, running?.status],
  );

  const start = async () => {
    setProblem(null);
    try {
      const { id } = await request<{ id: string }>('/v1/archival-sweeps', {
        method: 'POST',
        token,
        body: { dryRun: true },
        headers: { 'idempotency-key': idempotencyKey() },
      });
      setRunning(await request<SweepRecord>(`/v1/archival-sweeps/${id}`, { token }));
    } catch (err) {
      setProblem(toProblem(err));
    }
  };

  if (sweeps === null) {
    return (
      <section aria-labelledby="sweeps-heading">
        <h2 id="sweeps-heading">Archival sweeps</h2>
        <p class="muted">Sweeps are for maintainers.</p>
      </section>
    );
  }
  const busy = running !== null && (running.status === 'queued' || running.status === 'running');
  return (
    <section aria-labelledby="sweeps-heading">
      <h2 id="sweeps-heading">Archival sweeps</h2>
      <div class="actions">
        <button type="button" onClick={() => void start()} disabled={busy}>
          Run a dry sweep
        </button>
      </div>
      <p class="live" role="status">
        {running
          ? `Dry sweep ${running.status}${
              running.status === 'completed'
                ? `: ${plural(running.summary.candidates, 'candidate')}`
                : running.status === 'failed'
                  ? `: ${running.error ?? ''}`
                  : '…'
            }`
          : ''}
      </p>
      <ProblemAlert problem={problem} />
      {sweeps.length ? (
        <ul class="cards">
          {sweeps.map((s) => (
            <SweepCard key={s.id} sweep={s} />
          ))}
        </ul>
      ) : (
        <p>No sweep has run yet.</p>
      )}
    </section>
  );
}

function SweepCard({ sweep }: { sweep: SweepRecord }) {
  return (
    <li class="card" data-sweep={sweep.id}>
      <p>
        <strong>
          {sweep.dryRun ? 'Dry run' : 'Sweep'} ({sweep.trigger})
        </strong>{' '}
        <StatusBadge status={sweep.status} /> {formatDateTime(sweep.createdAt)}, by{' '}
        {sweep.requestedBy}
      </p>
      <p>
        {plural(sweep.summary.candidates, 'candidate')}, {sweep.summary.deprecated} deprecated,{' '}
        {sweep.summary.reviewSuggested} review suggested, {sweep.summary.skipped} skipped
        {sweep.error ? ` — ${sweep.error}` : ''}
      </p>
      {sweep.candidates.length ? (
        <ul class="candidates">
          {sweep.candidates.map((c) => (
            <li key={c.connectorId}>
              <a href={`/ui/connectors/${c.connectorId}`}>{c.connectorId}</a>{' '}
              <LevelBadge level={c.supportLevel} /> <code>{c.action}</code>: {c.description}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
