/**
 * import, connectors metadata and support-levels through `lifecycle` against the real service
 * (SPEC §11, §12): an Airbyte-style folder of metadata.yaml files in, the exports out.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, useCliSetup } from './run-cli.js';

const FIXTURES = 'test/fixtures/airbyte-metadata';

describe('lifecycle import, connectors metadata, support-levels', { timeout: 180_000 }, () => {
  const cli = useCliSetup();
  beforeAll(async () => {
    // airbyte-integrations/connectors/<name>/metadata.yaml, as in an Airbyte checkout
    for (const name of ['source-faker', 'destination-keen']) {
      const folder = join(cli.dir, 'airbyte-integrations', 'connectors', name);
      await mkdir(folder, { recursive: true });
      await copyFile(join(FIXTURES, `${name}.metadata.yaml`), join(folder, 'metadata.yaml'));
    }
  });

  it('a dry run reports, an import creates, a second import is unchanged', async () => {
    const folder = join(cli.dir, 'airbyte-integrations', 'connectors');
    const dry = await runCli(['import', folder, '--dry-run', '--json'], cli.env);
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ dryRun: true, refused: [] });
    expect([...dry.json().created].sort()).toEqual(['destination-keen', 'source-faker']);
    expect((await cli.svc.api.get('/v1/connectors/source-faker')).status).toBe(404);

    const real = await runCli(['import', folder, '--maintainer', 'alice'], cli.env);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('2 created');
    const faker = (await cli.svc.api.get('/v1/connectors/source-faker')).body;
    expect(faker).toMatchObject({ state: 'community.active', maintainers: ['alice'] });
    expect((await cli.svc.api.get('/v1/connectors/destination-keen')).body.state).toBe(
      'archived.idle',
    );

    const again = await runCli(['import', folder, '--json'], cli.env);
    expect(again.code).toBe(0);
    expect([...again.json().unchanged].sort()).toEqual(['destination-keen', 'source-faker']);
    expect(again.json().created).toEqual([]);
  });

  it('connectors metadata prints the metadata.yaml of the API; support-levels the policies', async () => {
    const yamlText = await runCli(['connectors', 'metadata', 'source-faker'], cli.env);
    expect(yamlText.code).toBe(0);
    const api = await cli.svc.api.get('/v1/connectors/source-faker/metadata.yaml');
    expect(yamlText.stdout.trim()).toBe(api.text.trim());
    expect(parse(yamlText.stdout).data.dockerRepository).toBe('airbyte/source-faker');

    const levels = await runCli(['support-levels', '--json'], cli.env);
    expect(levels.code).toBe(0);
    const fromApi = (await cli.svc.api.get('/v1/support-levels')).body;
    expect(levels.json()).toEqual(fromApi);
    const table = await runCli(['support-levels'], cli.env);
    expect(table.code).toBe(0);
    for (const level of ['certified', 'community', 'custom', 'archived']) {
      expect(table.stdout).toContain(level);
    }
  });

  it('the metadata of an unknown connector is refused with exit code 1, nothing on stdout', async () => {
    const res = await runCli(['connectors', 'metadata', 'source-none-such'], cli.env);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/not found/i);
  });
});
