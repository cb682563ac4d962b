import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { run } from '../../../cli/program.js';
import { CLI_BUNDLE } from '../../support/bundles.js';
import {
  ADMIN_TOKEN,
  startTestService,
  type StartTestServiceOptions,
  type TestService,
} from '../../support/harness.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws when it is not) */
  json(): any;
}

function result(code: number | null, stdout: string, stderr: string): CliResult {
  return {
    code,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

/** The variables `lifecycle` reads (cli/program.ts); a run sees only those it is given. */
const CLI_VARIABLES = ['LIFECYCLE_URL', 'LIFECYCLE_TOKEN'] as const;

/**
 * Runs `lifecycle` in this process, through the same `run()` that cli/main.ts calls, with `env` as
 * its only LIFECYCLE_* variables for the duration of the run. A test file runs its tests one at a
 * time, so no other run sees them. The binary itself is run by `runCliProcess`.
 */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const saved = CLI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of CLI_VARIABLES) {
    if (env[name] === undefined) delete process.env[name];
    else process.env[name] = env[name];
  }
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    ({ write: (chunk: string) => (append(String(chunk)), true) }) as NodeJS.WritableStream;
  try {
    const code = await run(args, {
      stdout: sink((s) => (stdout += s)),
      stderr: sink((s) => (stderr += s)),
    });
    return result(code, stdout, stderr);
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * Runs `lifecycle` in its own process, from cli/main.ts bundled once per test run
 * (test/support/global-bundles.ts), asynchronously: the service under test runs in this process
 * and must keep serving. For what only the binary shows: its exit code and its streams.
 */
export async function runCliProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return result(code, stdout, stderr);
}

/** A URL where nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

/** A server that answers every request with a 500 problem (a failing service). */
export async function failingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ title: 'Internal error', status: 500, detail: 'It broke.' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.close();
      await once(server, 'close');
    },
  };
}

export const ACCEPTANCE_COMMAND =
  'bash test/integration/fixtures/acceptance.sh {connectorId} {image} {reportDir}';

/** What a CLI test runs against; set before its tests. */
export interface CliSetup {
  svc: TestService;
  /** the environment that points `lifecycle` at the service, with the admin token */
  env: Record<string, string>;
  /** a scratch folder for the files the commands read and write */
  dir: string;
}

/**
 * Call inside a describe: starts a service (with `options`) and makes a scratch folder before its
 * tests, stops and removes both after them.
 */
export function useCliSetup(options: StartTestServiceOptions = {}): CliSetup {
  const setup = {} as CliSetup;
  beforeAll(async () => {
    setup.svc = await startTestService(options);
    setup.env = { LIFECYCLE_URL: setup.svc.url!, LIFECYCLE_TOKEN: ADMIN_TOKEN };
    setup.dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
  });
  afterAll(async () => {
    await setup.svc?.cleanup();
    if (setup.dir) await rm(setup.dir, { recursive: true, force: true });
  });
  return setup;
}
