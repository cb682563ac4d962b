/** Pure date arithmetic on ISO timestamps. */
export const DAY_MS = 86_400_000;

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + Math.round(days * DAY_MS)).toISOString();
}

/**
 * A date-only deadline (as in Airbyte's metadata) means 00:00 UTC of that day; a full ISO 8601
 * timestamp is accepted too. Impossible dates (2030-02-30) are refused, never rolled over.
 */
export function normalizeDeadline(value: string): string | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(
      value,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, zone] = m;
  if (h !== undefined && zone === undefined) return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59) return null;
  const ms = Date.parse(h === undefined ? `${value}T00:00:00.000Z` : value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
