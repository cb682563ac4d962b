/**
 * Runs `LIFECYCLE_ACCEPTANCE_COMMAND` for one connector image and decides the outcome (SPEC §7).
 *
 * - The command line is split into argv with string-argv first; only then are `{connectorId}`,
 *   `{image}` and `{reportDir}` substituted inside each element, so a value with spaces stays one
 *   argument. It is spawned with `shell: false`: nothing is ever interpreted by a shell.
 * - The same values are passed as `CONNECTOR_ID`, `CONNECTOR_IMAGE`, `ACCEPTANCE_REPORT_DIR`.
 * - Passes only on exit code 0 with no failure or error in any JUnit XML under the report dir.
 * - The child runs in its own process group; on timeout or abort the whole group gets SIGKILL, and
 *   after a normal exit any stragglers left in the group are killed as well.
 * - Never throws for a failing command; only for programmer errors (bad input types / timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import parseArgsStringToArgv from 'string-argv';
import {
  addCounts,
  emptyCounts,
  parseJUnitReport,
  type AcceptanceTestCounts,
} from './junit-report.js';
import { readSpecFile } from './spec-file.js';

export type { AcceptanceTestCounts } from './junit-report.js';

export interface AcceptanceRunInput {
  /** LIFECYCLE_ACCEPTANCE_COMMAND, e.g. "bash ./cat.sh {connectorId} {image} --report {reportDir}". */
  command: string;
  connectorId: string;
  /** dockerRepository:dockerImageTag */
  image: string;
  timeoutMs: number;
  /** When absent, a fresh temp dir is created, and removed afterwards. A given dir is kept. */
  reportDir?: string;
  /** Base environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Abort = kill the process group (used on shutdown); outcome 'error'. */
  signal?: AbortSignal;
}

export interface AcceptanceRunResult {
  outcome: 'passed' | 'failed' | 'timeout' | 'error';
  /** Human-readable, e.g. "exit code 0 and 12 tests passed", "exit code 3", "timed out after 1800 s". */
  reason: string;
  exitCode: number | null;
  signal: string | null;
  /** Summed over every JUnit XML in the report dir (zeros when none). */
  tests: AcceptanceTestCounts;
  /** JUnit files read, relative to the report dir ('/'-separated; the base name for top-level files). */
  reportFiles: string[];
  /** The last OUTPUT_TAIL_BYTES (UTF-8) of combined stdout+stderr, cut on a character boundary. */
  outputTail: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** a passing run's `{reportDir}/spec.json` (SPEC §11) */
  spec?: Record<string, unknown>;
}

export const OUTPUT_TAIL_BYTES = 8 * 1024;
export const REPORT_DIR_PREFIX = 'connector-lifecycle-acceptance-';

/** Report files larger than this are not parsed; the run fails because they cannot be checked. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
const MAX_REPORT_DEPTH = 16;
const MAX_REPORT_FILES = 1000;
/** After the process exits, how long to wait for its output pipes to close. */
const CLOSE_GRACE_MS = 2000;
/** setTimeout's largest delay; longer ones fire immediately. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PLACEHOLDER = /\{(connectorId|image|reportDir)\}/g;

export async function runAcceptanceCommand(
  input: AcceptanceRunInput,
): Promise<AcceptanceRunResult> {
  validateInput(input);
  const startedAt = new Date();
  const startedMs = performance.now();
  const finish = (
    fields: Omit<AcceptanceRunResult, 'startedAt' | 'finishedAt' | 'durationMs'>,
  ): AcceptanceRunResult => ({
    ...fields,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.max(0, Math.round(performance.now() - startedMs)),
  });
  const errorResult = (reason: string, outputTail = ''): AcceptanceRunResult =>
    finish({
      outcome: 'error',
      reason,
      exitCode: null,
      signal: null,
      tests: emptyCounts(),
      reportFiles: [],
      outputTail,
    });

  if (input.signal?.aborted) return errorResult('aborted before start');

  const template = parseArgsStringToArgv(input.command);
  if (template.length === 0) return errorResult('empty command');

  let reportDir: string;
  let createdReportDir = false;
  try {
    if (input.reportDir !== undefined) {
      reportDir = path.resolve(input.reportDir);
      await mkdir(reportDir, { recursive: true });
    } else {
      reportDir = await mkdtemp(path.join(os.tmpdir(), REPORT_DIR_PREFIX));
      createdReportDir = true;
    }
  } catch (err) {
    return errorResult(`cannot prepare report directory: ${errorMessage(err)}`);
  }

  try {
    const values: Record<string, string> = {
      connectorId: input.connectorId,
      image: input.image,
      reportDir,
    };
    const argv = template.map((arg) =>
      arg.replace(PLACEHOLDER, (_match, name: string) => values[name] ?? ''),
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(input.env ?? process.env)) {
      if (value !== undefined) env[key] = value;
    }
    env.CONNECTOR_ID = input.connectorId;
    env.CONNECTOR_IMAGE = input.image;
    env.ACCEPTANCE_REPORT_DIR = reportDir;

    const tail = new OutputTail(OUTPUT_TAIL_BYTES);
    const run = await runProcess(argv, env, input.timeoutMs, input.signal, tail);
    const command = argv[0] ?? '';
    if (run.kind === 'spawn-error') return errorResult(spawnErrorReason(command, run.error));
    if (run.killedBy === 'abort') {
      return finish({
        outcome: 'error',
        reason: 'aborted (process killed)',
        exitCode: run.exitCode,
        signal: run.signal,
        tests: emptyCounts(),
        reportFiles: [],
        outputTail: tail.toString(),
      });
    }

    const reports = await scanReports(reportDir);
    const base = {
      exitCode: run.exitCode,
      signal: run.signal,
      tests: reports.counts,
      reportFiles: reports.files,
      outputTail: tail.toString(),
    };
    if (run.killedBy === 'timeout') {
      return finish({
        ...base,
        outcome: 'timeout',
        reason: `timed out after ${seconds(input.timeoutMs)} s`,
      });
    }
    const problems: string[] = [];
    if (run.signal !== null) problems.push(`killed by signal ${run.signal}`);
    else if (run.exitCode !== 0) problems.push(`exit code ${String(run.exitCode)}`);
    const junitProblem = describeJUnitProblems(reports.failing);
    if (junitProblem) problems.push(junitProblem);
    for (const { file, reason } of reports.unreadable) {
      problems.push(`cannot check report ${file}: ${reason}`);
    }
    const notes = reports.ignored.length
      ? [`ignored non-JUnit XML ${listFiles(reports.ignored)}`]
      : [];
    if (problems.length > 0) {
      return finish({ ...base, outcome: 'failed', reason: [...problems, ...notes].join('; ') });
    }
    const specFile = await readSpecFile(reportDir);
    if (specFile.problem) notes.push(`ignored ${specFile.problem}`);
    return finish({
      ...base,
      outcome: 'passed',
      reason: [passedReason(reports), ...notes].join('; '),
      ...(specFile.spec ? { spec: specFile.spec } : {}),
    });
  } finally {
    if (createdReportDir) await rm(reportDir, { recursive: true, force: true }).catch(() => {});
  }
}

function validateInput(input: AcceptanceRunInput): void {
  if (typeof input.command !== 'string') throw new TypeError('command must be a string');
  if (typeof input.connectorId !== 'string') throw new TypeError('connectorId must be a string');
  if (typeof input.image !== 'string') throw new TypeError('image must be a string');
  if (input.reportDir !== undefined && (typeof input.reportDir !== 'string' || !input.reportDir)) {
    throw new TypeError('reportDir must be a non-empty string when given');
  }
  if (!Number.isFinite(input.timeoutMs) || input.timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive number, got ${String(input.timeoutMs)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Process

type ProcessRun =
  | { kind: 'spawn-error'; error: unknown }
  | {
      kind: 'exited';
      exitCode: number | null;
      signal: string | null;
      killedBy: 'timeout' | 'abort' | null;
    };

function runProcess(
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  abortSignal: AbortSignal | undefined,
  tail: OutputTail,
): Promise<ProcessRun> {
  return new Promise<ProcessRun>((resolve) => {
    const [file = '', ...args] = argv;
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        shell: false,
        detached: true, // own process group, so the whole tree can be killed
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
        windowsHide: true,
      });
    } catch (err) {
      // Invalid arguments (e.g. a NUL byte) throw synchronously.
      resolve({ kind: 'spawn-error', error: err });
      return;
    }

    let killedBy: 'timeout' | 'abort' | null = null;
    let exited: { code: number | null; signal: string | null } | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const settle = (run: ProcessRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      abortSignal?.removeEventListener('abort', onAbort);
      resolve(run);
    };
    const settleExited = (code: number | null, signal: string | null): void =>
      settle({
        kind: 'exited',
        exitCode: exited?.code ?? code,
        signal: exited ? exited.signal : signal,
        killedBy,
      });
    const stop = (why: 'timeout' | 'abort'): void => {
      if (exited || killedBy) return;
      killedBy = why;
      killGroup();
    };
    const onAbort = (): void => stop('abort');

    const timer = setTimeout(() => stop('timeout'), Math.min(timeoutMs, MAX_TIMER_MS));
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    if (abortSignal?.aborted) onAbort();

    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => tail.push(chunk));
      stream.on('error', () => {}); // a pipe error must not crash the process; output is best effort
    }

    child.on('error', (error) => {
      // Without a pid the process never started (ENOENT, EACCES, ...). Other errors (a failed
      // kill) are irrelevant: 'exit'/'close' still follow.
      if (child.pid === undefined) settle({ kind: 'spawn-error', error });
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      clearTimeout(timer);
      // Kill anything the command left behind in its group (it would also hold our pipes open).
      killGroup();
      graceTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settleExited(code, signal);
      }, CLOSE_GRACE_MS);
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      settleExited(code, signal),
    );
  });
}

function spawnErrorReason(command: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `command not found: ${command}`;
  if (code === 'EACCES') return `permission denied: ${command}`;
  return `cannot start ${command}: ${errorMessage(error)}`;
}

/** A rolling tail of text; memory stays bounded whatever the volume of output. */
class OutputTail {
  private text = '';
  constructor(private readonly maxBytes: number) {}

  push(chunk: string): void {
    this.text += chunk;
    // Each UTF-16 code unit is at least one UTF-8 byte, so maxBytes code units are always enough.
    if (this.text.length > 2 * this.maxBytes) this.text = this.text.slice(-this.maxBytes);
  }

  toString(): string {
    let text = this.text.slice(-this.maxBytes);
    // Slicing may have split a surrogate pair: drop the orphaned low half.
    if (isLowSurrogate(text.charCodeAt(0))) text = text.slice(1);
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= this.maxBytes) return text;
    let start = bytes.length - this.maxBytes;
    // Never start inside a UTF-8 sequence.
    while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

// ---------------------------------------------------------------------------------------------
// Reports

interface ReportScan {
  counts: AcceptanceTestCounts;
  files: string[];
  failing: { file: string; failures: number; errors: number }[];
  ignored: string[];
  unreadable: { file: string; reason: string }[];
}

async function scanReports(reportDir: string): Promise<ReportScan> {
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

function passedReason(reports: ReportScan): string {
  const { total, passed, skipped } = reports.counts;
  if (reports.files.length === 0) return 'exit code 0 (no JUnit report found)';
  const skippedNote = skipped > 0 ? `, ${skipped} skipped` : '';
  if (passed === total) return `exit code 0 and ${plural(passed, 'test')} passed${skippedNote}`;
  return `exit code 0 and ${passed} of ${plural(total, 'test')} passed${skippedNote}`;
}

function describeJUnitProblems(failing: ReportScan['failing']): string | undefined {
  if (failing.length === 0) return undefined;
  const failures = failing.reduce((sum, f) => sum + f.failures, 0);
  const errors = failing.reduce((sum, f) => sum + f.errors, 0);
  const parts: string[] = [];
  if (failures > 0) parts.push(plural(failures, 'failure'));
  if (errors > 0) parts.push(plural(errors, 'error'));
  const where = failing.length === 1 ? 'JUnit report' : 'JUnit reports';
  return `${parts.join(' and ')} in ${where} ${listFiles(failing.map((f) => f.file))}`;
}

function listFiles(files: string[], max = 5): string {
  if (files.length <= max) return files.join(', ');
  return `${files.slice(0, max).join(', ')} and ${files.length - max} more`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
