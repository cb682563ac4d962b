/**
 * Runs `LIFECYCLE_ACCEPTANCE_COMMAND` for one connector image and decides the outcome (SPEC §7).
 *
 * - The command line is split into argv with string-argv first; only then are `{connectorId}`,
 *   `{image}` and `{reportDir}` substituted inside each element, so a value with spaces stays one
 *   argument. It is spawned with `shell: false`: nothing is ever interpreted by a shell.
 * - The same values are passed as `CONNECTOR_ID`, `CONNECTOR_IMAGE`, `ACCEPTANCE_REPORT_DIR`, on
 *   top of `env` and nothing else: the service's own environment is never inherited (SPEC §10;
 *   see command-environment.ts for what the worker passes).
 * - The values of `secrets` are scrubbed from the output tail and the reason kept about the run.
 * - Passes only on exit code 0 with no failure or error in any JUnit XML under the report dir.
 * - It runs with execa, in its own process group; on timeout or abort the whole group gets SIGKILL, and
 *   after a normal exit any stragglers left in the group are killed as well.
 * - Never throws for a failing command; only for programmer errors (bad input types / timeout).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import parseArgsStringToArgv from 'string-argv';
import { emptyCounts, type AcceptanceTestCounts } from './junit-report.js';
import { OutputTail } from './output-tail.js';
import { describeJUnitProblems, listFiles, passedReason, scanReports } from './report-scan.js';
import { scrubSecrets } from './secret-scrubber.js';
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
  /**
   * The whole environment of the command besides the three variables above (default: empty). The
   * worker passes `acceptanceEnvironment()`: never the service's own environment.
   */
  env?: Record<string, string | undefined>;
  /** Values scrubbed from the output tail and the reason (the service's secret settings). */
  secrets?: readonly string[];
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
  /**
   * The last OUTPUT_TAIL_BYTES (UTF-8) of combined stdout+stderr, cut on a character boundary, with
   * every secret replaced by `[redacted]`.
   */
  outputTail: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** a passing run's `{reportDir}/spec.json` (SPEC §11) */
  spec?: Record<string, unknown>;
}

export const OUTPUT_TAIL_BYTES = 8 * 1024;
export const REPORT_DIR_PREFIX = 'connector-lifecycle-acceptance-';

/** After the process exits, how long to wait for its output pipes to close. */
const CLOSE_GRACE_MS = 2000;
/** setTimeout's largest delay; longer ones fire immediately. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PLACEHOLDER = /\{(connectorId|image|reportDir)\}/g;

export async function runAcceptanceCommand(
  input: AcceptanceRunInput,
): Promise<AcceptanceRunResult> {
  validateInput(input);
  const secrets = input.secrets ?? [];
  const startedAt = new Date();
  const startedMs = performance.now();
  const finish = (
    fields: Omit<AcceptanceRunResult, 'startedAt' | 'finishedAt' | 'durationMs'>,
  ): AcceptanceRunResult => ({
    ...fields,
    reason: scrubSecrets(fields.reason, secrets),
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
    for (const [key, value] of Object.entries(input.env ?? {})) {
      if (value !== undefined) env[key] = value;
    }
    env.CONNECTOR_ID = input.connectorId;
    env.CONNECTOR_IMAGE = input.image;
    env.ACCEPTANCE_REPORT_DIR = reportDir;

    const tail = new OutputTail(OUTPUT_TAIL_BYTES, secrets);
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

async function runProcess(
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  abortSignal: AbortSignal | undefined,
  tail: OutputTail,
): Promise<ProcessRun> {
  const [file = '', ...args] = argv;
  const subprocess = execa(file, args, {
    shell: false,
    extendEnv: false, // `env` is the whole environment: nothing of ours is inherited
    env,
    detached: true, // own process group, so the whole tree can be killed
    stdin: 'ignore',
    buffer: false, // the output goes to the bounded tail only
    reject: false,
    timeout: Math.min(timeoutMs, MAX_TIMER_MS),
    cancelSignal: abortSignal,
    killSignal: 'SIGKILL',
    forceKillAfterDelay: false,
    windowsHide: true,
  });

  const killGroup = (): void => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  let graceTimer: NodeJS.Timeout | undefined;
  // On timeout or abort execa kills the command itself; its exit then takes the rest of the group
  // along. After a normal exit, anything the command left behind in its group is killed as well
  // (it would also hold our pipes open), and pipes still open after a grace period are closed.
  subprocess.once('exit', () => {
    killGroup();
    graceTimer = setTimeout(() => {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, CLOSE_GRACE_MS);
  });
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    if (!stream) continue;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => tail.push(chunk));
  }

  const result = await subprocess;
  clearTimeout(graceTimer);
  const killedBy = result.timedOut ? 'timeout' : result.isCanceled ? 'abort' : null;
  if (result.failed && !killedBy && result.exitCode === undefined && !result.signal) {
    // The process never started (ENOENT, EACCES, invalid arguments...).
    return { kind: 'spawn-error', error: result.cause ?? result };
  }
  return {
    kind: 'exited',
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    killedBy,
  };
}

function spawnErrorReason(command: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `command not found: ${command}`;
  if (code === 'EACCES') return `permission denied: ${command}`;
  return `cannot start ${command}: ${errorMessage(error)}`;
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
