import Table from 'cli-table3';

type Cell = string | number | boolean | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value);
}

/** A plain table (no colours: output is often piped or logged). */
export function table(head: string[], rows: Cell[][]): string {
  const t = new Table({
    head,
    style: { head: [], border: [] },
    // no line between rows: compact, and easy to grep
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) t.push(row.map(cell));
  return t.toString();
}

/** Two columns of labels and values, for one object. */
export function fields(pairs: [string, Cell][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${cell(v)}`).join('\n');
}

/** "3 connectors", "1 connector". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A short form of an id for progress lines: "run-71c6b7a6" for "run-71c6b7a6-e5ab-…". */
export function shortId(id: string | null | undefined): string {
  if (!id) return '-';
  const m = /^((?:[a-z]+-)?[0-9a-f]{8})-[0-9a-f]{4}-/.exec(id);
  return m ? m[1]! : id;
}

/** "2024-05-01 12:00:03Z" from an ISO timestamp. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** "1m 04s" between two ISO timestamps, or since the first one. */
export function duration(fromIso: string | null | undefined, toIso?: string | null): string {
  if (!fromIso) return '-';
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  return elapsed(ms);
}

export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
