import { useLocation } from 'preact-iso';
import { useMemo, useRef, useState } from 'preact/hooks';
import {
  STATUSES,
  SUPPORT_LEVELS,
  type CatalogDocument,
  type Connector,
  type Deprecation,
  type Problem,
} from '../api-types.js';
import { LevelBadge, StatusBadge } from '../components/badges.js';
import { ProblemAlert, toProblem } from '../components/problem-alert.js';
import { ApiError, requestAll, requestIfChanged } from '../lib/api-client.js';
import { archiveCountdown, formatDate } from '../lib/format.js';
import { useSession } from '../lib/session.js';
import { usePolling } from '../lib/use-polling.js';
import { useTitle } from '../lib/use-title.js';

/** What a row shows: a catalog entry (public) or a connector (signed in). */
interface Row {
  id: string;
  name: string;
  type: string;
  supportLevel: string;
  status: string;
  dockerImageTag: string;
  dockerRepository: string;
  lastReleaseAt?: string | undefined;
  deprecation: Deprecation | null;
}

const SORTS = {
  id: 'Id',
  name: 'Name',
  release: 'Last release, newest first',
  deprecation: 'Deprecation ending soonest',
} as const;
type Sort = keyof typeof SORTS;

const FULL_LIST_EVERY_MS = 15_000;

function compare(sort: Sort): (a: Row, b: Row) => number {
  const byId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  switch (sort) {
    case 'name':
      return (a, b) => a.name.localeCompare(b.name) || byId(a, b);
    case 'release':
      return (a, b) => (b.lastReleaseAt ?? '').localeCompare(a.lastReleaseAt ?? '') || byId(a, b);
    case 'deprecation':
      return (a, b) =>
        (a.deprecation?.archiveAt ?? '~').localeCompare(b.deprecation?.archiveAt ?? '~') ||
        byId(a, b);
    default:
      return byId;
  }
}

function Counts({ rows }: { rows: Row[] }) {
  const byLevel = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const statuses = byLevel.get(r.supportLevel) ?? new Map<string, number>();
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    byLevel.set(r.supportLevel, statuses);
  }
  const levels = SUPPORT_LEVELS.filter((l) => byLevel.has(l));
  return (
    <ul class="counts" aria-label="Connectors by support level and status">
      {levels.map((level) => {
        const statuses = byLevel.get(level)!;
        const total = [...statuses.values()].reduce((a, b) => a + b, 0);
        return (
          <li key={level} class={`count-card level-${level}`} data-level={level}>
            <span class="count-level">{level}</span>
            <span class="count-total">{total}</span>
            <span class="count-statuses">
              {STATUSES.filter((s) => statuses.has(s))
                .map((s) => `${statuses.get(s)} ${s}`)
                .join(' · ')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function CatalogPage() {
  useTitle('Catalog');
  const session = useSession();
  const { query, path, route } = useLocation();
  const [catalog, setCatalog] = useState<CatalogDocument | null>(null);
  // the list and the token it was fetched with (another token may see other connectors)
  const [listed, setListed] = useState<{ token: string; items: Connector[] } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const etag = useRef<string | null>(null);
  const listedAt = useRef({ token: '', at: 0 });

  usePolling(
    async (active) => {
      try {
        // Signed in: every connector the token may see (custom and archived ones too), listed
        // again when the catalog changed, and every 15 s for the unlisted (custom, archived) ones.
        const token = session.token;
        const last = listedAt.current;
        const stale = last.token !== token || Date.now() - last.at > FULL_LIST_EVERY_MS;
        const list = () => requestAll<Connector>('/v1/connectors', token);
        const [res, listedNow] = await Promise.all([
          requestIfChanged<CatalogDocument>('/v1/catalog', etag.current),
          token && stale ? list() : null,
        ]);
        if (!active()) return;
        if (res.changed) {
          etag.current = res.etag;
          setCatalog(res.data);
        }
        const items = listedNow ?? (token && res.changed ? await list() : null);
        if (token && items && active()) {
          listedAt.current = { token, at: Date.now() };
          setListed({ token, items });
        }
        setProblem(null);
      } catch (err) {
        if (!active()) return;
        setProblem(toProblem(err));
        // a revoked token: back to what anyone may see
        if (err instanceof ApiError && err.status === 401) session.signOut();
      }
    },
    2_000,
    [session.token],
  );

  const rows: Row[] | null = session.token
    ? listed?.token === session.token
      ? listed.items
      : null
    : ((catalog?.connectors as Row[] | undefined) ?? null);
  const q = query.q ?? '';
  const level = query.level ?? '';
  const status = query.status ?? '';
  const type = query.type ?? '';
  const sort: Sort = (query.sort as Sort | undefined) ?? 'id';

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams({ ...query, [name]: value });
    for (const [k, v] of [...next.entries()]) if (!v) next.delete(k);
    const qs = next.toString();
    route(`${path}${qs ? `?${qs}` : ''}`, true);
  };

  const shown = useMemo(() => {
    if (!rows) return [];
    const needle = q.trim().toLowerCase();
    return rows
      .filter(
        (r) =>
          (!level || r.supportLevel === level) &&
          (!status || r.status === status) &&
          (!type || r.type === type) &&
          (!needle ||
            r.id.includes(needle) ||
            r.name.toLowerCase().includes(needle) ||
            r.dockerRepository.toLowerCase().includes(needle)),
      )
      .sort(compare(sort in SORTS ? sort : 'id'));
  }, [rows, q, level, status, type, sort]);
  const now = Date.now();

  return (
    <>
      <h1 tabIndex={-1}>Connector catalog</h1>
      <p class="muted">
        {session.token
          ? 'Every connector your token may see, custom and archived ones included.'
          : 'The public catalog: certified and community connectors. Sign in to see custom and archived ones, and to act on them.'}
      </p>
      <ProblemAlert problem={problem} />
      {rows ? <Counts rows={rows} /> : <p role="status">Loading the catalog…</p>}

      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field grow">
          <label for="q">Search id, name or repository</label>
          <input
            id="q"
            type="search"
            value={q}
            onInput={(e) => setFilter('q', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="filter-level">Support level</label>
          <select
            id="filter-level"
            value={level}
            onChange={(e) => setFilter('level', e.currentTarget.value)}
          >
            <option value="">Any</option>
            {SUPPORT_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={status}
            onChange={(e) => setFilter('status', e.currentTarget.value)}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-type">Type</label>
          <select
            id="filter-type"
            value={type}
            onChange={(e) => setFilter('type', e.currentTarget.value)}
          >
            <option value="">Any</option>
            <option value="source">source</option>
            <option value="destination">destination</option>
          </select>
        </div>
        <div class="field">
          <label for="sort">Sort by</label>
          <select id="sort" value={sort} onChange={(e) => setFilter('sort', e.currentTarget.value)}>
            {Object.entries(SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>

      {rows ? (
        <>
          <p role="status" class="result-count">
            {shown.length === rows.length
              ? `${rows.length} connectors`
              : `${shown.length} of ${rows.length} connectors`}
          </p>
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="catalog-caption">
            <table class="catalog">
              <caption id="catalog-caption" class="visually-hidden">
                Connectors
              </caption>
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Level</th>
                  <th scope="col">Status</th>
                  <th scope="col">Version</th>
                  <th scope="col">Last release</th>
                  <th scope="col">Deprecation</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.id} data-id={r.id}>
                    <td>
                      <a href={`/ui/connectors/${r.id}`}>{r.id}</a>
                    </td>
                    <td>{r.name}</td>
                    <td>{r.type}</td>
                    <td>
                      <LevelBadge level={r.supportLevel} />
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>{r.dockerImageTag}</td>
                    <td>{formatDate(r.lastReleaseAt)}</td>
                    <td>{r.deprecation ? archiveCountdown(r.deprecation.archiveAt, now) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}
