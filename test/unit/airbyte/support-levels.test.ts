/** GET /v1/support-levels: the defaults, and LIFECYCLE_SUPPORT_POLICY_FILE checked at start. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPORT_LEVELS } from '../../../src/airbyte/support-levels.js';
import { ConfigError, loadConfig } from '../../../src/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'support-policy-'));
function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

describe('support levels', () => {
  it("default to Airbyte's table, plus archived", () => {
    const config = loadConfig({});
    expect(config.supportLevels).toEqual(DEFAULT_SUPPORT_LEVELS);
    expect(config.supportLevels.map((l) => l.supportLevel)).toEqual([
      'certified',
      'community',
      'custom',
      'archived',
    ]);
    const [certified, community, custom, archived] = config.supportLevels;
    expect(community).toMatchObject({
      whoMaintains: 'Users',
      productionReadiness: 'Not guaranteed',
      support: { cloud: 'None', communityOss: 'None' },
    });
    expect(certified!.support.selfManagedEnterprise).toBe(
      'Supported, with SLAs under premium support',
    );
    expect(custom!.support.communityOss).toBe('Slack only');
    expect(archived!.whoMaintains).toBe('Nobody');
    expect(archived!.notes).toMatch(/acceptance tests/);
  });

  it('are replaced by LIFECYCLE_SUPPORT_POLICY_FILE (an array or {items})', () => {
    const item = { ...DEFAULT_SUPPORT_LEVELS[0]!, availability: 'Everyone, everywhere' };
    const asArray = file('array.json', JSON.stringify([item]));
    expect(loadConfig({ LIFECYCLE_SUPPORT_POLICY_FILE: asArray }).supportLevels).toEqual([item]);
    const asItems = file('items.json', JSON.stringify({ items: [item] }));
    expect(loadConfig({ LIFECYCLE_SUPPORT_POLICY_FILE: asItems }).supportLevels).toEqual([item]);
  });

  it.each([
    ['missing.json', null, /cannot read the file/],
    ['broken.json', '{', /not JSON/],
    [
      'bad-level.json',
      JSON.stringify([{ ...DEFAULT_SUPPORT_LEVELS[0], supportLevel: 'gold' }]),
      /items\.0\.supportLevel/,
    ],
    [
      'no-cloud.json',
      JSON.stringify({ items: [{ ...DEFAULT_SUPPORT_LEVELS[0], support: {} }] }),
      /items\.0\.support\.cloud/,
    ],
    [
      'twice.json',
      JSON.stringify([DEFAULT_SUPPORT_LEVELS[0], DEFAULT_SUPPORT_LEVELS[0]]),
      /more than once/,
    ],
    ['empty.json', '[]', /at least one/],
  ])('a bad file (%s) stops the start with a clear message', (name, content, message) => {
    const target = content === null ? path.join(dir, name) : file(name, content);
    let error: unknown;
    try {
      loadConfig({ LIFECYCLE_SUPPORT_POLICY_FILE: target });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/LIFECYCLE_SUPPORT_POLICY_FILE=/);
    expect((error as Error).message).toMatch(message);
  });
});

describe('Airbyte settings', () => {
  it('have defaults', () => {
    const config = loadConfig({});
    expect(config.airbyte).toEqual({
      docsBaseUrl: 'https://docs.airbyte.com/integrations',
      defaultLicense: 'MIT',
    });
    expect(config.policy.archiveSourceUrl).toBe(
      'https://github.com/airbytehq/connector-archive/tree/main/{connectorId}',
    );
  });

  it('are checked', () => {
    expect(() => loadConfig({ LIFECYCLE_DOCS_BASE_URL: 'ftp://x' })).toThrow(
      /LIFECYCLE_DOCS_BASE_URL/,
    );
    expect(() => loadConfig({ LIFECYCLE_ARCHIVE_SOURCE_URL: '{connectorId}' })).toThrow(
      /LIFECYCLE_ARCHIVE_SOURCE_URL/,
    );
    expect(
      loadConfig({ LIFECYCLE_DOCS_BASE_URL: 'https://docs.example.com/' }).airbyte.docsBaseUrl,
    ).toBe('https://docs.example.com');
  });
});
