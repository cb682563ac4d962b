import { extname } from 'node:path';
import type { UsageEntryRequest } from '../api-types.js';
import { UsageError } from '../cli-errors.js';
import { parseJson, readText } from './read-document.js';

export const USAGE_COLUMNS = ['connectorId', 'date', 'activeConnections', 'syncs'] as const;

/** Usage entries read from a file, each with where it came from ("line 4", "entry 2"). */
export interface UsageFile {
  entries: UsageEntryRequest[];
  origins: string[];
  /** CSV columns that are not usage fields (ignored) */
  ignoredColumns: string[];
}

/** "12" → 12; anything else stays text, for the service to refuse with its path. */
function integerOrText(value: string): number | string {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

export async function parseUsageCsv(text: string, path: string): Promise<UsageFile> {
  const { parse } = await import('csv-parse/sync');
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    }) as unknown as typeof rows;
  } catch (err) {
    throw new UsageError(`${path}: not valid CSV: ${(err as Error).message}`);
  }
  const header = rows[0] ? Object.keys(rows[0].record) : text.split(/\r?\n/, 1)[0]!.split(',');
  const missing = USAGE_COLUMNS.filter((c) => !header.map((h) => h.trim()).includes(c));
  if (missing.length) {
    throw new UsageError(
      `${path}: the header must name the columns ${USAGE_COLUMNS.join(',')} (missing: ${missing.join(', ')})`,
    );
  }
  return {
    entries: rows.map(({ record }) => ({
      connectorId: record.connectorId!,
      date: record.date!,
      activeConnections: integerOrText(record.activeConnections!) as number,
      syncs: integerOrText(record.syncs!) as number,
    })),
    origins: rows.map(({ info }) => `line ${info.lines}`),
    ignoredColumns: header.filter((h) => !(USAGE_COLUMNS as readonly string[]).includes(h)),
  };
}

export function parseUsageJson(text: string, path: string): UsageFile {
  const value = parseJson(text, path);
  const list = Array.isArray(value) ? value : (value as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) {
    throw new UsageError(`${path}: expected a JSON array of usage entries (or {"entries": [...]})`);
  }
  return {
    entries: list as UsageEntryRequest[],
    origins: list.map((_, i) => `entry ${i}`),
    ignoredColumns: [],
  };
}

/** A usage file: CSV (by its .csv extension) or JSON. */
export async function readUsageFile(path: string): Promise<UsageFile> {
  const text = await readText(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return parseUsageCsv(text, path);
  if (ext === '.json') return parseUsageJson(text, path);
  throw new UsageError(`${path}: a usage file must be .csv or .json`);
}

export const USAGE_BATCH_SIZE = 10_000;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
