import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  AcceptanceRunRecord,
  CatalogDocument,
  Connector,
  HistoryEntry,
  MachineDescription,
  Problem,
} from '../api-types.js';
import { AcceptanceRuns } from '../components/acceptance-runs.js';
import { LevelBadge, StatusBadge } from '../components/badges.js';
import { BreakingChanges } from '../components/breaking-changes.js';
import { ConnectorFields, DeprecationNotice } from '../components/connector-fields.js';
import { EventAction, type EventResult } from '../components/event-action.js';
import { HistoryTimeline } from '../components/history-timeline.js';
import { ProblemAlert, toProblem } from '../components/problem-alert.js';
import { StateDiagram } from '../components/state-diagram.js';
import { ApiError, request, requestIfChanged } from '../lib/api-client.js';
import { EVENT_LABELS } from '../lib/event-fields.js';
import { formatDateTime } from '../lib/format.js';
import { loadMachine } from '../lib/machine.js';
import { maySend } from '../lib/permissions.js';
import { useSession } from '../lib/session.js';
import { usePolling } from '../lib/use-polling.js';
import { useTitle } from '../lib/use-title.js';

/** How often the page asks whether the connector changed (a 304 when it did not). */
const POLL_MS = 1_500;

function useMachine(): [MachineDescription | null, Problem | null] {
  const [machine, setMachine] = useState<MachineDescription | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    loadMachine().then(setMachine, (err: unknown) => setProblem(toProblem(err)));
  }, []);
  return [machine, problem];
}

export function ConnectorPage({ id }: { id: string }) {
  const session = useSession();
  useTitle(id);
  if (session.checking) return <p role="status">Checking your token…</p>;
  return session.token ? (
    <LiveConnector key={`${id} ${session.token}`} id={id} token={session.token} />
  ) : (
    <PublicConnector key={id} id={id} />
  );
}

function Heading({ c, state }: { c: { id: string; name: string }; state: string }) {
  const [level, status] = state.split('.') as [string, string];
  return (
    <header class="page-head">
      <h1 tabIndex={-1}>{c.name}</h1>
      <p class="state-line">
        <code>{c.id}</code> <LevelBadge level={level} /> <StatusBadge status={status} />
      </p>
    </header>
  );
}

/** Signed in: the connector, its history and runs, kept current by polling its ETag. */
function LiveConnector({ id, token }: { id: string; token: string }) {
  const session = useSession();
  const [machine, machineProblem] = useMachine();
  const [connector, setConnector] = useState<Connector | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [runs, setRuns] = useState<AcceptanceRunRecord[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState('');
  const etag = useRef<string | null>(null);
  const seen = useRef<{ state: string; gateOpen: boolean } | null>(null);
  const base = `/v1/connectors/${encodeURIComponent(id)}`;

  const refresh = usePolling(
    async (active) => {
      try {
        const res = await requestIfChanged<Connector>(base, etag.current, { token });
        if (!active()) return;
        if (res.changed) {
          const [h, r] = await Promise.all([
            request<{ items: HistoryEntry[] }>(`${base}/history`, { token }),
            request<{ items: AcceptanceRunRecord[] }>(`${base}/acceptance-runs`, { token }),
          ]);
          if (!active()) return;
          const before = seen.current;
          const c = res.data;
          if (before && before.state !== c.state) {
            setMessage(`Now ${c.state} (was ${before.state}).`);
          }
          seen.current = { state: c.state, gateOpen: c.acceptanceRun !== null };
          etag.current = res.etag;
          setConnector(c);
          setHistory(h.items);
          setRuns(r.items);
        } else if (seen.current?.gateOpen) {
          // A run moves from queued to running without a new connector version.
          const r = await request<{ items: AcceptanceRunRecord[] }>(`${base}/acceptance-runs`, {
            token,
          });
          if (active()) setRuns(r.items);
        }
        setProblem(null);
      } catch (err) {
        if (!active()) return;
        setProblem(toProblem(err));
        if (err instanceof ApiError && err.status === 401) session.signOut();
      }
    },
    POLL_MS,
    [id, token],
  );

  const onDone = ({ event, connector: c, gateStarted }: EventResult) => {
    seen.current = { state: c.state, gateOpen: gateStarted };
    setConnector(c);
    setMessage(
      `${event} accepted: now ${c.state}.${
        gateStarted ? ' Acceptance tests are running; this page shows their result.' : ''
      }`,
    );
    etag.current = null; // fetch history and runs now
    refresh();
  };

  if (!connector) {
    return (
      <>
        <h1 tabIndex={-1}>{id}</h1>
        {problem ? <ProblemAlert problem={problem} /> : <p role="status">Loading…</p>}
      </>
    );
  }

  const me = session.me;
  const mine = connector.allowedEvents.filter((e) => maySend(me, e, connector));
  const notMine = connector.allowedEvents.filter((e) => !mine.includes(e));
  const sourceUrl = connector.archive?.sourceUrl;

  return (
    <>
      <Heading c={connector} state={connector.state} />
      <p class="live" role="status">
        {message}
      </p>
      <ProblemAlert problem={problem} />

      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">Actions</h2>
        {connector.acceptanceRun ? (
          <p class="notice">
            Acceptance tests for <strong>{connector.acceptanceRun.purpose}</strong> are running
            (requested by {connector.acceptanceRun.requestedBy},{' '}
            {formatDateTime(connector.acceptanceRun.requestedAt)}). No event can be sent until they
            finish; this page shows their result when they do.
          </p>
        ) : null}
        {mine.length ? (
          <div class="actions">
            {mine.map((e) => (
              <EventAction key={e} connector={connector} event={e} onDone={onDone} />
            ))}
          </div>
        ) : !connector.acceptanceRun ? (
          <p>Nothing your token may do in this state.</p>
        ) : null}
        {notMine.length ? (
          <p class="muted">Needs another role: {notMine.map((e) => EVENT_LABELS[e]).join(', ')}.</p>
        ) : null}
      </section>

      {connector.deprecation ? <DeprecationNotice deprecation={connector.deprecation} /> : null}
      {connector.unarchiveRequest ? (
        <section class="notice" aria-labelledby="unarchive-heading">
          <h2 id="unarchive-heading">Un-archive request ({connector.unarchiveRequest.outcome})</h2>
          <p>
            {connector.unarchiveRequest.requester} asked on{' '}
            {formatDateTime(connector.unarchiveRequest.requestedAt)}, with{' '}
            <code>{connector.unarchiveRequest.dockerImageTag}</code> (CDK{' '}
            {connector.unarchiveRequest.cdkVersion}): {connector.unarchiveRequest.justification}
          </p>
          {connector.unarchiveRequest.reason ? (
            <p>Decision: {connector.unarchiveRequest.reason}</p>
          ) : null}
        </section>
      ) : null}
      {connector.supportLevel === 'archived' ? (
        <section class="notice" aria-labelledby="archive-heading">
          <h2 id="archive-heading">Archived</h2>
          {sourceUrl ? (
            <p>
              Its source is kept at{' '}
              <a href={sourceUrl} rel="noreferrer noopener" target="_blank">
                {sourceUrl}
              </a>
              .
            </p>
          ) : (
            <p>Removed from the catalog; its source is kept and it can be revived.</p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="diagram-heading">
        <h2 id="diagram-heading">Lifecycle</h2>
        <ProblemAlert problem={machineProblem} />
        {machine ? (
          <StateDiagram machine={machine} current={connector.state} history={history} />
        ) : null}
      </section>

      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <ConnectorFields c={connector} />
      </section>

      <section aria-labelledby="breaking-heading">
        <h2 id="breaking-heading">Breaking changes</h2>
        <BreakingChanges changes={connector.breakingChanges} />
      </section>

      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Acceptance runs</h2>
        <AcceptanceRuns runs={runs} />
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <HistoryTimeline history={history} />
      </section>
    </>
  );
}

/** Signed out: what the public catalog says about it (GET /v1/catalog is public). */
function PublicConnector({ id }: { id: string }) {
  const [machine, machineProblem] = useMachine();
  const [catalog, setCatalog] = useState<CatalogDocument | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const etag = useRef<string | null>(null);

  usePolling(
    async (active) => {
      try {
        const res = await requestIfChanged<CatalogDocument>('/v1/catalog', etag.current);
        if (!active() || !res.changed) return;
        etag.current = res.etag;
        setCatalog(res.data);
        setProblem(null);
      } catch (err) {
        if (active()) setProblem(toProblem(err));
      }
    },
    2_000,
    [id],
  );

  const entry = catalog?.connectors.find((c) => c.id === id);
  if (!entry) {
    return (
      <>
        <h1 tabIndex={-1}>{id}</h1>
        <ProblemAlert problem={problem} />
        {catalog ? (
          <p>
            This connector is not in the public catalog (it may be custom or archived). Sign in to
            see it.
          </p>
        ) : (
          <p role="status">Loading…</p>
        )}
      </>
    );
  }
  const state = `${entry.supportLevel}.${entry.status}`;
  return (
    <>
      <Heading c={entry} state={state} />
      <p class="muted">Sign in to see its history, its acceptance runs and what you may do.</p>
      {entry.deprecation ? <DeprecationNotice deprecation={entry.deprecation} /> : null}
      <section aria-labelledby="diagram-heading">
        <h2 id="diagram-heading">Lifecycle</h2>
        <ProblemAlert problem={machineProblem} />
        {machine ? <StateDiagram machine={machine} current={state} history={[]} /> : null}
      </section>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <ConnectorFields c={entry} />
      </section>
      <section aria-labelledby="breaking-heading">
        <h2 id="breaking-heading">Breaking changes</h2>
        <BreakingChanges changes={entry.breakingChanges} />
      </section>
    </>
  );
}
