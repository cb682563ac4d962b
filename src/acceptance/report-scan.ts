/** Reads the JUnit reports a run left in its report dir (SPEC §7) and describes what they say. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  addCounts,
  emptyCounts,
  parseJUnitReport,
  type AcceptanceTestCounts,
} from './junit-report.js';

/** Report files larger than this are not parsed; the run fails because they cannot be checked. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
const MAX_REPORT_DEPTH = 16;
const MAX_REPORT_FILES = 1000;

export interface ReportScan {
  counts: AcceptanceTestCounts;
  files: string[];
  failing: { file: string; failures: number; errors: number }[];
  ignored: string[];
  unreadable: { file: string; reason: string }[];
}

export async function scanReports(reportDir: string): Promise<ReportScan> {
  const scan: ReportScan = {
    counts: emptyCounts(),
    files: [],
    failing: [],
    ignored: [],
    unreadable: [],
  };
  const xmlFiles: string[] = [];
  await collectXmlFiles(reportDir, '', 0, xmlFiles, scan);
  for (const relative of xmlFiles) {
    const absolute = path.join(reportDir, ...relative.split('/'));
    let xml: string;
    try {
      const info = await stat(absolute);
      if (info.size > MAX_REPORT_BYTES) {
        scan.unreadable.push({ file: relative, reason: `larger than ${MAX_REPORT_BYTES} bytes` });
        continue;
      }
      xml = await readFile(absolute, 'utf8');
    } catch (err) {
      scan.unreadable.push({ file: relative, reason: errorMessage(err) });
      continue;
    }
    const counts = parseJUnitReport(xml);
    if (!counts) {
      scan.ignored.push(relative);
      continue;
    }
    scan.files.push(relative);
    scan.counts = addCounts(scan.counts, counts);
    if (counts.failures > 0 || counts.errors > 0) {
      scan.failing.push({ file: relative, failures: counts.failures, errors: counts.errors });
    }
  }
  return scan;
}

/** Regular `*.xml` files under dir, sorted, '/'-separated and relative; symlinks are not followed. */
async function collectXmlFiles(
  root: string,
  relativeDir: string,
  depth: number,
  out: string[],
  scan: ReportScan,
): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, ...relativeDir.split('/')), { withFileTypes: true });
  } catch (err) {
    // The report dir itself may legitimately be gone (the command removed it): no reports.
    if (relativeDir === '' && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    scan.unreadable.push({ file: relativeDir || '.', reason: errorMessage(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (depth + 1 > MAX_REPORT_DEPTH) continue;
      await collectXmlFiles(root, relative, depth + 1, out, scan);
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.xml')) {
      if (out.length >= MAX_REPORT_FILES) {
        scan.unreadable.push({ file: relative, reason: `more than ${MAX_REPORT_FILES} XML files` });
        return;
      }
      out.push(relative);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reasons

export function passedReason(reports: ReportScan): string {
  const { total, passed, skipped } = reports.counts;
  if (reports.files.length === 0) return 'exit code 0 (no JUnit report found)';
  const skippedNote = skipped > 0 ? `, ${skipped} skipped` : '';
  if (passed === total) return `exit code 0 and ${plural(passed, 'test')} passed${skippedNote}`;
  return `exit code 0 and ${passed} of ${plural(total, 'test')} passed${skippedNote}`;
}

export function describeJUnitProblems(failing: ReportScan['failing']): string | undefined {
  if (failing.length === 0) return undefined;
  const failures = failing.reduce((sum, f) => sum + f.failures, 0);
  const errors = failing.reduce((sum, f) => sum + f.errors, 0);
  const parts: string[] = [];
  if (failures > 0) parts.push(plural(failures, 'failure'));
  if (errors > 0) parts.push(plural(errors, 'error'));
  const where = failing.length === 1 ? 'JUnit report' : 'JUnit reports';
  return `${parts.join(' and ')} in ${where} ${listFiles(failing.map((f) => f.file))}`;
}

export function listFiles(files: string[], max = 5): string {
  if (files.length <= max) return files.join(', ');
  return `${files.slice(0, max).join(', ')} and ${files.length - max} more`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
