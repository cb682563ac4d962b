import type { HistoryEntry } from '../api-types.js';
import { formatDateTime } from '../lib/format.js';

/** What an entry says in words: its reason, or what the event carried. */
function summary(h: HistoryEntry): string | null {
  const p = h.payload;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const str = (v: unknown, fallback = '') => text(v) ?? fallback;
  if (text(p.reason)) return text(p.reason);
  if (text(p.justification)) return text(p.justification);
  switch (h.type) {
    case 'REGISTER':
      return `registered ${str(p.dockerRepository)}:${str(p.dockerImageTag)}`;
    case 'PUBLISH_RELEASE':
      return `released ${str(p.dockerImageTag)}${p.breakingChange ? ' (breaking change)' : ''}`;
    case 'ACCEPTANCE_PASSED':
      return 'acceptance tests passed';
    case 'ACCEPTANCE_FAILED':
      return `acceptance tests ended: ${str(p.outcome, 'failed')}`;
    case 'ARCHIVE_DUE':
      return p.usageRecovered ? 'notice ended; usage recovered' : 'notice ended';
    default:
      return null;
  }
}

/** Every accepted event, newest first: when, what, who, why, and the transition. */
export function HistoryTimeline({ history }: { history: HistoryEntry[] }) {
  if (!history.length) return <p>No history yet.</p>;
  return (
    <ol class="timeline" reversed>
      {[...history].reverse().map((h) => {
        const why = summary(h);
        return (
          <li key={h.version}>
            <div class="timeline-head">
              <strong>{h.type}</strong>
              <span>
                by <span class="actor">{h.actor}</span>
              </span>
              <time dateTime={h.at}>{formatDateTime(h.at)}</time>
            </div>
            <div class="transition">
              {h.from ? <code>{h.from}</code> : <span>new</span>}
              <span aria-label="to"> → </span>
              <code>{h.to}</code>
            </div>
            {why ? <p class="reason">{why}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}
