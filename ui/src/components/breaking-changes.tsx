import type { BreakingChange } from '../api-types.js';
import { formatDateTime, fromNow } from '../lib/format.js';

/** Breaking changes by the version that breaks, soonest deadline first. */
export function BreakingChanges({ changes }: { changes: Record<string, BreakingChange> }) {
  const list = Object.entries(changes).sort(([, a], [, b]) =>
    a.upgradeDeadline < b.upgradeDeadline ? -1 : 1,
  );
  if (!list.length) return <p>No breaking changes.</p>;
  const now = Date.now();
  return (
    <ul class="cards">
      {list.map(([version, c]) => (
        <li key={version} class="card">
          <p>
            <strong>{version}</strong>: {c.message}
          </p>
          <p>
            Upgrade by <time dateTime={c.upgradeDeadline}>{formatDateTime(c.upgradeDeadline)}</time>{' '}
            <span class={Date.parse(c.upgradeDeadline) < now ? 'overdue' : 'muted'}>
              ({fromNow(c.upgradeDeadline, now)})
            </span>
          </p>
          <p>
            <a href={c.migrationDocumentationUrl} rel="noreferrer noopener" target="_blank">
              Migration guide for {version}
            </a>
          </p>
        </li>
      ))}
    </ul>
  );
}
