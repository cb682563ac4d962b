/** `lifecycle connectors …`, global options and exit codes, against a real service (SPEC §12). */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, registration } from '../../support/harness.js';
import { closedPortUrl, failingServer, runCli, runCliProcess, useCliSetup } from './run-cli.js';

// The exit-code tests run the bundled binary once per exit code (run-cli.ts); the rest run in this
// process.
describe('lifecycle connectors', { timeout: 180_000 }, () => {
  const cli = useCliSetup();

  it('registers from a YAML file and shows the state and allowed events', async () => {
    const body = registration({ name: 'From YAML' });
    const file = join(cli.dir, 'connector.yaml');
    await writeFile(
      file,
      [
        `id: ${body.id}`,
        `name: ${body.name}`,
        'type: source',
        'language: python',
        `dockerRepository: ${body.dockerRepository}`,
        'dockerImageTag: 1.0.0',
        'cdkVersion: 6.0.0',
        'maintainers:',
        '  - alice',
      ].join('\n'),
    );
    const res = await runCli(['connectors', 'register', '--file', file], cli.env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Registered ${body.id}.`);
    expect(res.stdout).toMatch(/state:\s+community\.active \(version 1\)/);
    expect(res.stdout).toMatch(
      /allowed events:\s+REQUEST_CERTIFICATION, DEPRECATE, ARCHIVE, PUBLISH_RELEASE/,
    );
    expect((await cli.svc.api.get(`/v1/connectors/${body.id}`)).body.name).toBe('From YAML');
  });

  it('registers from a JSON file with --json, printing the API answer', async () => {
    const body = registration({ supportLevel: 'custom' });
    const file = join(cli.dir, 'connector.json');
    await writeFile(file, JSON.stringify(body));
    const res = await runCli(['--json', 'connectors', 'register', '--file', file], cli.env);
    expect(res.code).toBe(0);
    const api = await cli.svc.api.get(`/v1/connectors/${body.id}`);
    expect(res.json()).toEqual(api.body);
    expect(res.json().state).toBe('custom.active');
  });

  it('show, history and runs: --json is the API answer; text names state and events', async () => {
    const body = registration();
    await cli.svc.api.post('/v1/connectors', body);
    const show = await runCli(['connectors', 'show', body.id, '--json'], cli.env);
    expect(show.code).toBe(0);
    expect(show.json()).toEqual((await cli.svc.api.get(`/v1/connectors/${body.id}`)).body);

    const history = await runCli(['connectors', 'history', body.id, '--json'], cli.env);
    expect(history.json()).toEqual(
      (await cli.svc.api.get(`/v1/connectors/${body.id}/history`)).body,
    );
    expect(history.json().items[0].type).toBe('REGISTER');

    const runs = await runCli(['connectors', 'runs', body.id], cli.env);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain(`No acceptance runs for ${body.id}.`);

    const text = await runCli(['connectors', 'history', body.id], cli.env);
    expect(text.stdout).toMatch(/REGISTER\s+│ admin\s+│ \(new\) → community\.active/);
  });

  it('list follows every page: --json prints one array of every match', async () => {
    const tag = `pg${randomBytes(3).toString('hex')}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = registration({ name: `Paged ${tag} ${i}` });
      expect((await cli.svc.api.post('/v1/connectors', body)).status).toBe(201);
      ids.push(body.id);
    }
    // What the API gives page by page, followed by hand.
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (
        await cli.svc.api.get(`/v1/connectors?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      pages.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toHaveLength(5);

    const res = await runCli(
      ['connectors', 'list', '--query', tag, '--page-size', '2', '--json'],
      cli.env,
    );
    expect(res.code).toBe(0);
    expect(res.json()).toEqual(pages);

    const text = await runCli(
      [
        'connectors',
        'list',
        '--query',
        tag,
        '--support-level',
        'community',
        '--type',
        'source',
        '--page-size',
        '2',
      ],
      cli.env,
    );
    expect(text.code).toBe(0);
    for (const id of ids) expect(text.stdout).toContain(id);
    expect(text.stdout).toContain('5 connectors');
  });

  it('global options after the command; a flag wins over its variable', async () => {
    const body = registration();
    await cli.svc.api.post('/v1/connectors', body);
    const res = await runCli(
      ['connectors', 'show', body.id, '--url', cli.svc.url!, '--token', ADMIN_TOKEN, '--json'],
      { LIFECYCLE_URL: await closedPortUrl(), LIFECYCLE_TOKEN: 'not-a-valid-token-at-all' },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.json().id).toBe(body.id);
  });

  it('exit 1 on a refusal: nothing on stdout, title and detail on stderr', async () => {
    const res = await runCliProcess(
      ['connectors', 'show', 'source-does-not-exist', '--json'],
      cli.env,
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Not found (404)');
    expect(res.stderr).toContain('No connector with id "source-does-not-exist".');

    const bad = join(cli.dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...registration(), type: 'nonsense' }));
    const invalid = await runCli(['connectors', 'register', '--file', bad], cli.env);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('Invalid input (400)');
    expect(invalid.stderr).toContain('body.type: Invalid option');

    const anonymous = await runCli(['connectors', 'list'], { LIFECYCLE_URL: cli.svc.url! });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('Unauthorized (401)');
    expect(anonymous.stderr).toContain('LIFECYCLE_TOKEN');
  });

  it('exit 2 on bad usage, before anything is sent', async () => {
    const unknown = await runCliProcess(['connectors', 'show', 'source-x', '--bogus'], cli.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const missingFile = await runCli(
      ['connectors', 'register', '--file', join(cli.dir, 'none.yaml')],
      cli.env,
    );
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('no such file');
    expect(missingFile.stdout).toBe('');
  });

  it('exit 3 when nothing listens or the service fails (5xx)', async () => {
    const down = await runCliProcess(['connectors', 'list'], {
      ...cli.env,
      LIFECYCLE_URL: await closedPortUrl(),
    });
    expect(down.code).toBe(3);
    expect(down.stdout).toBe('');
    expect(down.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);

    const failing = await failingServer();
    try {
      const res = await runCli(['connectors', 'show', 'source-x', '--url', failing.url], cli.env);
      expect(res.code).toBe(3);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('The service failed (500): Internal error: It broke.');
    } finally {
      await failing.close();
    }
  });
});
