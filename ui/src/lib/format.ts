/** Dates and durations as the dashboard shows them: UTC, as the service's own deadlines are. */

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "in 29 days", "in 3 hours", "2 minutes ago": the largest unit that is at least one. */
export function fromNow(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'second') {
      return relative.format(Math.round(ms / size), unit);
    }
  }
  return relative.format(0, 'second');
}

/** A deprecation's countdown: "archived in 29 days", or "archival due" once the notice ended. */
export function archiveCountdown(archiveAt: string, now = Date.now()): string {
  return Date.parse(archiveAt) <= now ? 'archival due' : `archived ${fromNow(archiveAt, now)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
