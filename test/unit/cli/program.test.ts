/** The command line itself, run in-process: help, usage errors (exit 2) and command names (SPEC §12). */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, run } from '../../../cli/program.js';
import type { Streams } from '../../../cli/output.js';

function capture(): Streams & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    ({
      write: (s: string | Uint8Array) => {
        append(String(s));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  return {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    out: () => out,
    err: () => err,
  };
}

async function cli(...argv: string[]) {
  const io = capture();
  const code = await run(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

function paths(cmd: Command, prefix: string[] = []): string[] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length ? paths(c, path) : [path.join(' ')];
  });
}

describe('lifecycle command line', () => {
  it('has exactly the commands of SPEC §12, each with a description', () => {
    const program = buildProgram(capture());
    expect(paths(program).sort()).toEqual(
      [
        'connectors list',
        'connectors show',
        'connectors register',
        'connectors history',
        'connectors runs',
        'connectors metadata',
        'certify',
        'contribute',
        'demote',
        'deprecate',
        'cancel-deprecation',
        'archive',
        'release',
        'unarchive request',
        'unarchive approve',
        'unarchive reject',
        'import',
        'export registry',
        'sweep',
        'usage import',
        'subscriptions list',
        'subscriptions create',
        'subscriptions delete',
        'subscriptions deliveries',
        'tokens create',
        'tokens revoke',
        'machine',
        'support-levels',
      ].sort(),
    );
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const c of all(program)) expect(c.description(), c.name()).not.toBe('');
  });

  it('every event command takes --if-match; the gate commands take --wait and --timeout', () => {
    const program = buildProgram(capture());
    const find = (path: string) =>
      path
        .split(' ')
        .reduce<Command>((c, name) => c.commands.find((s) => s.name() === name)!, program);
    const events = [
      'certify',
      'contribute',
      'demote',
      'deprecate',
      'cancel-deprecation',
      'archive',
      'release',
    ];
    const unarchive = ['unarchive request', 'unarchive approve', 'unarchive reject'];
    for (const path of [...events, ...unarchive]) {
      const longs = find(path).options.map((o) => o.long);
      expect(longs, path).toContain('--if-match');
      const gate = ['certify', 'contribute', 'unarchive request'].includes(path);
      expect(longs.includes('--wait'), path).toBe(gate);
      expect(longs.includes('--timeout'), path).toBe(gate);
    }
  });

  it('--help prints usage with the global options and exits 0', async () => {
    const root = await cli('--help');
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('Usage: lifecycle [options] [command]');
    const sub = await cli('deprecate', '--help');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--notice-days <n>');
    expect(sub.stdout).toContain('Global Options:');
    expect(sub.stdout).toContain('LIFECYCLE_TOKEN');
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['nonsense'], "unknown command 'nonsense'"],
    [['connectors'], 'Usage: lifecycle connectors'],
    [['connectors', 'show'], "missing required argument 'id'"],
    [
      ['connectors', 'list', '--support-level', 'gold'],
      'Allowed choices are certified, community, custom, archived',
    ],
    [['connectors', 'list', '--page-size', '0'], 'an integer from 1 to 500'],
    [['certify', 'source-a', '--timeout', '-1'], 'a number > 0'],
    [['deprecate', 'source-a', '--reason', 'x', '--notice-days', 'soon'], 'a number ≥ 0'],
    [['archive', 'source-a', '--reason', 'x', '--if-match', 'v'], 'a connector version'],
    [['tokens', 'create', '--subject', 'a', '--role', 'root'], 'Allowed choices are reader'],
    [['subscriptions', 'create', '--secret', 's'], "required option '--webhook-url <url>'"],
    [
      ['subscriptions', 'create', '--webhook-url', 'http://x', '--secret', 's', '--event', 'x'],
      'Allowed choices',
    ],
    [['release', 'source-a', '--tag', '1.0.1', '--upgrade-deadline', '2030-01-01'], 'together'],
    [['--url', 'ftp://host', 'machine'], 'must be an http(s) URL'],
    [['usage', 'import', 'usage.txt'], 'no such file'],
  ])('%j is bad usage: exit 2, nothing on stdout', async (argv, message) => {
    const res = await cli(...argv);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(message);
  });
});
