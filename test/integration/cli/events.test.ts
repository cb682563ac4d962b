/** The event commands of `lifecycle`, with --if-match and --wait through real gates (SPEC §12). */
import { describe, expect, it } from 'vitest';
import { registration, waitFor } from '../../support/harness.js';
import { ACCEPTANCE_COMMAND, runCli, useCliSetup } from './run-cli.js';

// The commands run in this process (run-cli.ts); --wait commands poll: generous time per test.
describe('lifecycle event commands', { timeout: 180_000 }, () => {
  const cli = useCliSetup({
    env: {
      LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_COMMAND,
      LIFECYCLE_ACCEPTANCE_TIMEOUT_S: '30',
    },
  });

  async function registered(overrides: Record<string, unknown> = {}): Promise<string> {
    const body = registration(overrides);
    expect((await cli.svc.api.post('/v1/connectors', body)).status).toBe(201);
    return body.id;
  }
  const get = async (id: string) => (await cli.svc.api.get(`/v1/connectors/${id}`)).body;
  const history = async (id: string) =>
    (await cli.svc.api.get(`/v1/connectors/${id}/history`)).body.items as any[];

  it('certify --wait through a passing gate: exit 0, progress on stderr, the final connector', async () => {
    const id = await registered({ dockerImageTag: '1.0.0-pass' });
    const res = await runCli(['certify', id, '--wait', '--json'], cli.env);
    expect(res.code).toBe(0);
    expect(res.json()).toEqual(await get(id));
    expect(res.json().state).toBe('certified.active');
    expect(res.stderr).toContain(
      `REQUEST_CERTIFICATION accepted: ${id} is now community.certifying`,
    );
    expect(res.stderr).toContain(`Acceptance tests passed: ${id} is now certified.active`);
    expect(res.stderr).toMatch(/tests: 2 total, 0 failed/);
    expect((await history(id)).map((h) => h.type)).toEqual([
      'REGISTER',
      'REQUEST_CERTIFICATION',
      'ACCEPTANCE_PASSED',
    ]);
  });

  it('certify --wait through a failing gate: exit 1 with the reason and the output', async () => {
    const id = await registered({ dockerImageTag: '1.0.0-exitcode' });
    const res = await runCli(['certify', id, '--wait'], cli.env);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/state:\s+community\.active \(version 3\)/);
    expect(res.stderr).toContain(`Acceptance tests failed: ${id} is now community.active`);
    expect(res.stderr).toContain('exit code 7');
    expect(res.stderr).toContain('boom');
  });

  it('contribute --wait takes a custom connector to community; without --wait it answers at once', async () => {
    const custom = await registered({ supportLevel: 'custom' });
    const waited = await runCli(['contribute', custom, '--wait'], cli.env);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/state:\s+community\.active/);

    const other = await registered();
    const started = await runCli(['certify', other], cli.env);
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(
      `REQUEST_CERTIFICATION accepted: ${other} is now community.certifying`,
    );
    expect(started.stdout).toContain('Acceptance tests started (run run-');
  });

  it('deprecate, cancel-deprecation, archive, then unarchive request --wait, reject, approve', async () => {
    const id = await registered();
    const replacement = await registered();
    const deprecated = await runCli(
      [
        'deprecate',
        id,
        '--reason',
        'superseded',
        '--notice-days',
        '30',
        '--replacement',
        replacement,
        '--json',
      ],
      cli.env,
    );
    expect(deprecated.code).toBe(0);
    expect(deprecated.json()).toMatchObject({
      state: 'community.deprecated',
      deprecation: { reason: 'superseded', replacement, automated: false },
    });

    const cancelled = await runCli(['cancel-deprecation', id, '--reason', 'still used'], cli.env);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(
      `CANCEL_DEPRECATION accepted: ${id} is now community.active`,
    );

    expect((await runCli(['archive', id, '--reason', 'unused'], cli.env)).code).toBe(0);
    const request = [
      'unarchive',
      'request',
      id,
      '--justification',
      'I will keep it',
      '--tag',
      '1.1.0',
      '--cdk',
      '6.0.0',
    ];
    const tested = await runCli([...request, '--wait', '--json'], cli.env);
    expect(tested.code).toBe(0);
    expect(tested.json().state).toBe('archived.unarchiveReview');

    const rejected = await runCli(['unarchive', 'reject', id, '--reason', 'no'], cli.env);
    expect(rejected.code).toBe(0);
    expect((await get(id)).state).toBe('archived.idle');

    expect((await runCli([...request, '--wait'], cli.env)).code).toBe(0);
    const approved = await runCli(
      ['unarchive', 'approve', id, '--reason', 'welcome back', '--json'],
      cli.env,
    );
    expect(approved.code).toBe(0);
    expect(approved.json().state).toBe('community.active');
    expect((await history(id)).map((h) => h.type)).toEqual([
      'REGISTER',
      'DEPRECATE',
      'CANCEL_DEPRECATION',
      'ARCHIVE',
      'REQUEST_UNARCHIVE',
      'ACCEPTANCE_PASSED',
      'REJECT_UNARCHIVE',
      'REQUEST_UNARCHIVE',
      'ACCEPTANCE_PASSED',
      'APPROVE_UNARCHIVE',
    ]);
  });

  it('release with a breaking change; demote a certified connector', async () => {
    const id = await registered({ dockerImageTag: '1.0.0' });
    const released = await runCli(
      [
        'release',
        id,
        '--tag',
        '2.0.0',
        '--cdk',
        '6.1.0',
        '--breaking-message',
        'streams renamed',
        '--upgrade-deadline',
        '2031-01-01',
        '--migration-url',
        'https://docs.example.com/migrate',
        '--json',
      ],
      cli.env,
    );
    expect(released.code).toBe(0);
    expect(released.json()).toMatchObject({
      dockerImageTag: '2.0.0',
      cdkVersion: '6.1.0',
      breakingChanges: { '2.0.0': { message: 'streams renamed' } },
    });

    expect((await cli.svc.api.event(id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    await waitFor(async () => (await get(id)).state === 'certified.active', {
      what: 'certification',
      timeoutMs: 30_000,
    });
    const demoted = await runCli(['demote', id, '--reason', 'no longer supported'], cli.env);
    expect(demoted.code).toBe(0);
    expect(demoted.stdout).toContain(`DEMOTE accepted: ${id} is now community.active`);
    expect(demoted.stdout).toMatch(/version 5\)/);
  });

  it('--if-match: a stale version is refused (412, exit 1); the current one goes through', async () => {
    const id = await registered();
    const stale = await runCli(['archive', id, '--reason', 'x', '--if-match', '7'], cli.env);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toContain('Precondition failed (412)');
    expect((await get(id)).state).toBe('community.active');

    const current = await runCli(['demote', id, '--reason', 'x', '--if-match', 'v1'], cli.env);
    expect(current.code).toBe(1);
    expect(current.stderr).toContain('Conflict (409)');
    expect(current.stderr).toContain('not allowed in state community.active');

    const ok = await runCli(['archive', id, '--reason', 'unused', '--if-match', '1'], cli.env);
    expect(ok.code).toBe(0);
    expect((await get(id)).state).toBe('archived.idle');
  });

  it('bad usage of event commands exits 2 and sends nothing', async () => {
    const id = await registered();
    const missing = await runCli(['demote', id], cli.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--reason <text>' not specified");
    const partial = await runCli(
      ['release', id, '--tag', '2.0.0', '--breaking-message', 'x'],
      cli.env,
    );
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('--breaking-message, --upgrade-deadline and --migration-url');
    const version = await runCli(['archive', id, '--reason', 'x', '--if-match', 'latest'], cli.env);
    expect(version.code).toBe(2);
    expect((await get(id)).version).toBe(1);
  });
});
