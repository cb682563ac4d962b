import { describe, it, expect, afterEach, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  OUTPUT_TAIL_BYTES,
  REPORT_DIR_PREFIX,
  runAcceptanceCommand,
  type AcceptanceRunInput,
  type AcceptanceRunResult,
} from '../../../src/acceptance/acceptance-command.js';
import { waitFor } from '../../support/harness.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** Quotes a value for the command line (parsed by string-argv, never by a shell). */
const q = (value: string): string => `"${value}"`;
const bash = (script: string, ...args: string[]): string =>
  ['bash', q(fixture(script)), ...args].join(' ');

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'acceptance-test-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function run(
  input: Partial<AcceptanceRunInput> & { command: string },
): Promise<AcceptanceRunResult> {
  return runAcceptanceCommand({
    connectorId: 'source-faker',
    image: 'airbyte/source-faker:6.2.1',
    timeoutMs: 20_000,
    ...input,
  });
}

/** Alive = exists and is not a zombie (an unreaped zombie is dead for our purposes). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const statFile = `/proc/${pid}/stat`;
  if (!existsSync(statFile)) return true;
  try {
    const stat = readFileSync(statFile, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false; // vanished meanwhile
  }
}

async function readPids(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8');
  const pids = text.trim().split(/\s+/).map(Number);
  for (const pid of pids) expect(Number.isInteger(pid) && pid > 0).toBe(true);
  return pids;
}

function readNulList(file: string): string[] {
  return readFileSync(file, 'utf8').split('\0').slice(0, -1);
}

describe('runAcceptanceCommand', () => {
  it('passes when the command exits 0 and the JUnit report has no failures', async () => {
    const reportDir = await tempDir();
    const result = await run({ command: bash('pass.sh', '{reportDir}'), reportDir });
    expect(result).toMatchObject({
      outcome: 'passed',
      reason: 'exit code 0 and 3 tests passed',
      exitCode: 0,
      signal: null,
      tests: { total: 3, passed: 3, failures: 0, errors: 0, skipped: 0 },
      reportFiles: ['report.xml'],
    });
    expect(result.outputTail).toBe('acceptance tests passed\n');
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    // A report dir given by the caller is kept.
    expect(existsSync(path.join(reportDir, 'report.xml'))).toBe(true);
  });

  it('passes on exit 0 without any JUnit report', async () => {
    const result = await run({ command: bash('exit-code.sh', '0') });
    expect(result).toMatchObject({
      outcome: 'passed',
      reason: 'exit code 0 (no JUnit report found)',
      tests: { total: 0, passed: 0, failures: 0, errors: 0, skipped: 0 },
      reportFiles: [],
    });
  });

  it('fails on a non-zero exit code', async () => {
    const result = await run({ command: bash('exit-code.sh', '3') });
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'exit code 3',
      exitCode: 3,
      signal: null,
    });
    expect(result.outputTail).toBe('something went wrong\n');
  });

  it('fails when the process is killed by a signal', async () => {
    const result = await run({ command: bash('self-signal.sh') });
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'killed by signal SIGTERM',
      exitCode: null,
      signal: 'SIGTERM',
    });
  });

  it('fails on exit 0 when a JUnit report (searched recursively) has failures', async () => {
    const reportDir = await tempDir();
    const result = await run({ command: bash('junit-failure.sh', '{reportDir}'), reportDir });
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: '2 failures in JUnit report report.xml; ignored non-JUnit XML config.xml',
      exitCode: 0,
      tests: { total: 4, passed: 2, failures: 2, errors: 0, skipped: 0 },
      reportFiles: ['nested/spec.xml', 'report.xml'],
    });
  });

  it('fails on exit 0 when a JUnit report has an error', async () => {
    const reportDir = await tempDir();
    const result = await run({ command: bash('junit-error.sh', '{reportDir}'), reportDir });
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: '1 error in JUnit report results.xml',
      exitCode: 0,
      tests: { total: 2, passed: 0, failures: 0, errors: 1, skipped: 1 },
      reportFiles: ['results.xml'],
    });
  });

  it('mentions failing reports after a non-zero exit code', async () => {
    const reportDir = await tempDir();
    await writeFile(path.join(reportDir, 'old.xml'), '<testsuite tests="1" failures="1"/>', 'utf8');
    const result = await run({ command: bash('exit-code.sh', '1'), reportDir });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe('exit code 1; 1 failure in JUnit report old.xml');
  });

  it('times out and kills the process and its children', async () => {
    const dir = await tempDir();
    const pidFile = path.join(dir, 'pids');
    const started = Date.now();
    const result = await run({ command: bash('hang.sh', q(pidFile)), timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({
      outcome: 'timeout',
      reason: 'timed out after 1 s',
      exitCode: null,
      signal: 'SIGKILL',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(950);
    const pids = await readPids(pidFile);
    expect(pids).toHaveLength(2); // the shell and its sleep
    for (const pid of pids) await waitFor(() => !isAlive(pid), { what: `pid ${pid} to die` });
  });

  it('kills processes left behind by a command that exited', async () => {
    const dir = await tempDir();
    const pidFile = path.join(dir, 'pid');
    const result = await run({ command: bash('straggler.sh', q(pidFile)) });
    expect(result).toMatchObject({ outcome: 'passed', exitCode: 0 });
    const [sleepPid] = await readPids(pidFile);
    await waitFor(() => !isAlive(sleepPid!), { what: `straggler ${sleepPid} to die` });
  });

  it('kills the process on abort and reports an error', async () => {
    const dir = await tempDir();
    const pidFile = path.join(dir, 'pids');
    const controller = new AbortController();
    const pending = run({ command: bash('hang.sh', q(pidFile)), signal: controller.signal });
    await waitFor(() => existsSync(pidFile), { what: 'the pid file' });
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ outcome: 'error', signal: 'SIGKILL' });
    expect(result.reason).toMatch(/abort/);
    for (const pid of await readPids(pidFile)) {
      await waitFor(() => !isAlive(pid), { what: `pid ${pid} to die` });
    }
  });

  it('does not start when already aborted', async () => {
    const dir = await tempDir();
    const pidFile = path.join(dir, 'pids');
    const result = await run({ command: bash('hang.sh', q(pidFile)), signal: AbortSignal.abort() });
    expect(result).toMatchObject({ outcome: 'error', reason: 'aborted before start' });
    expect(existsSync(pidFile)).toBe(false);
  });

  it('substitutes placeholders inside argv elements, after splitting, without a shell', async () => {
    const dir = await tempDir();
    const argsFile = path.join(dir, 'args');
    const envFile = path.join(dir, 'env');
    const reportDir = path.join(dir, 'report dir with spaces');
    const connectorId = 'source with spaces; $(touch pwned) `id` *';
    const image = 'my repo/source:1.0 "quoted" $HOME';
    const result = await run({
      command: bash(
        'record.sh',
        q(argsFile),
        q(envFile),
        '{connectorId}',
        '--image={image}',
        "'{reportDir}/out'",
        '{unknown}',
      ),
      connectorId,
      image,
      reportDir,
      env: { PATH: process.env.PATH, EXTRA_VAR: 'extra value', UNSET_VAR: undefined },
    });
    expect(result.outcome).toBe('passed');
    expect(readNulList(argsFile)).toEqual([
      connectorId,
      `--image=${image}`,
      `${reportDir}/out`,
      '{unknown}',
    ]);
    expect(readNulList(envFile)).toEqual([connectorId, image, reportDir, 'extra value']);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
    expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
    expect(existsSync(reportDir)).toBe(true); // created for the caller and kept
  });

  it('uses a fresh temporary report dir when none is given and removes it afterwards', async () => {
    const dir = await tempDir();
    const argsFile = path.join(dir, 'args');
    const envFile = path.join(dir, 'env');
    const result = await run({
      command: bash('record.sh', q(argsFile), q(envFile), '{reportDir}'),
    });
    expect(result.outcome).toBe('passed');
    const [argDir] = readNulList(argsFile);
    const [, , envDir] = readNulList(envFile);
    expect(envDir).toBe(argDir);
    expect(path.dirname(argDir!)).toBe(os.tmpdir());
    expect(path.basename(argDir!).startsWith(REPORT_DIR_PREFIX)).toBe(true);
    expect(existsSync(argDir!)).toBe(false);
  });

  it('never inherits the environment of the process that runs it', async () => {
    vi.stubEnv('EXTRA_VAR', 'from the service environment');
    try {
      const dir = await tempDir();
      const envFile = path.join(dir, 'env');
      const result = await run({
        command: bash('record.sh', q(path.join(dir, 'args')), q(envFile)),
      });
      expect(result.outcome).toBe('passed');
      expect(readNulList(envFile)[3]).toBe('');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('scrubs secrets from the output tail and the reason', async () => {
    const secret = 'secret-value-9f8e7d';
    const result = await run({
      command: `bash -c "echo token=${secret}; exit 3" ${secret}`,
      secrets: [secret],
    });
    expect(result.outcome).toBe('failed');
    expect(result.outputTail).toBe('token=[redacted]\n');
    const missing = await run({ command: `/nonexistent/${secret}`, secrets: [secret] });
    expect(missing.reason).toBe('command not found: /nonexistent/[redacted]');
  });

  it('reports a command that does not exist as an error', async () => {
    const result = await run({ command: 'definitely-not-a-command-7f3a {image}' });
    expect(result).toMatchObject({
      outcome: 'error',
      reason: 'command not found: definitely-not-a-command-7f3a',
      exitCode: null,
      signal: null,
      reportFiles: [],
    });
  });

  it('reports a command that is not executable as an error', async () => {
    const dir = await tempDir();
    const script = path.join(dir, 'not-executable.sh');
    await writeFile(script, '#!/bin/sh\nexit 0\n', 'utf8');
    await chmod(script, 0o644);
    const result = await run({ command: q(script) });
    expect(result).toMatchObject({ outcome: 'error', reason: `permission denied: ${script}` });
  });

  it('reports an empty command as an error', async () => {
    const result = await run({ command: '   ' });
    expect(result).toMatchObject({ outcome: 'error', reason: 'empty command' });
  });

  it('keeps only a bounded tail of the output, cut on a character boundary', async () => {
    const result = await run({ command: bash('noisy.sh') });
    expect(result.outcome).toBe('passed');
    const tail = result.outputTail;
    expect(Buffer.byteLength(tail, 'utf8')).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
    expect(Buffer.byteLength(tail, 'utf8')).toBeGreaterThan(OUTPUT_TAIL_BYTES - 8);
    expect(tail.endsWith('FINAL-MARKER\n')).toBe(true);
    expect(tail).not.toContain('\uFFFD');
    expect(tail).not.toContain('out 1 ');
    expect(tail).toContain('out 4000 ');
  });

  it('throws for programmer errors only', async () => {
    await expect(run({ command: 'true', timeoutMs: 0 })).rejects.toThrow(RangeError);
    await expect(run({ command: 'true', timeoutMs: Number.NaN })).rejects.toThrow(RangeError);
  });
});
