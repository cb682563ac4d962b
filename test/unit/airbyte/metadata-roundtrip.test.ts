/**
 * Every real metadata.yaml fixture, read as a connector and written back as metadata.yaml and as a
 * registry entry, validates against Airbyte's schemas and reads back the same (SPEC §11).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { airbyteSchemas } from '../../../src/airbyte/airbyte-schemas.js';
import {
  candidateExportSource,
  type ImportedConnector,
} from '../../../src/airbyte/imported-connector.js';
import { parseMetadataText, projectMetadata } from '../../../src/airbyte/metadata-document.js';
import { metadataDocument, metadataYaml } from '../../../src/airbyte/metadata-export.js';
import { parseRegistryEntry } from '../../../src/airbyte/registry-document.js';
import { registryEntry } from '../../../src/airbyte/registry-export.js';

const DIR = new URL('../../fixtures/airbyte-metadata/', import.meta.url);
const OPTIONS = { docsBaseUrl: 'https://docs.example.com', defaultLicense: 'MIT' };
const files = readdirSync(DIR).filter((f) => f.endsWith('.metadata.yaml'));

function imported(file: string): ImportedConnector {
  const parsed = parseMetadataText(readFileSync(new URL(file, DIR), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.connector;
}

describe.each(files)('%s', (file) => {
  const connector = imported(file);
  const source = candidateExportSource(connector, connector.supportLevel ?? 'community');

  it('exports a metadata.yaml that validates and reads back the same', () => {
    const text = metadataYaml(source, OPTIONS);
    const doc = YAML.parse(text);
    expect(airbyteSchemas().validate('metadata', doc)).toEqual([]);
    expect(doc).toEqual(metadataDocument(source, OPTIONS));
    const back = parseMetadataText(text);
    expect(back.ok && back.connector).toEqual(connector);
  });

  it('exports a registry entry that validates and reads back the same', () => {
    const entry = registryEntry(source, OPTIONS);
    expect(airbyteSchemas().validate(connector.type, entry)).toEqual([]);
    const back = parseRegistryEntry(JSON.parse(JSON.stringify(entry)), connector.type);
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.connector).toMatchObject({
      id: connector.id,
      definitionId: connector.definitionId,
      dockerImageTag: connector.dockerImageTag,
      language: connector.language,
      license: connector.license,
      tags: connector.tags,
    });
  });
});

describe('YAML written for Airbyte tools', () => {
  it('quotes strings that YAML 1.1 or 1.2 would read as something else', () => {
    const connector = projectMetadata(
      YAML.parse(readFileSync(new URL('source-faker.metadata.yaml', DIR), 'utf8')),
    );
    const source = candidateExportSource(
      { ...connector, name: '0o17', license: 'yes', githubIssueLabel: '1.0' },
      'community',
    );
    const text = metadataYaml(source, OPTIONS);
    expect(YAML.parse(text).data).toMatchObject({
      name: '0o17',
      license: 'yes',
      githubIssueLabel: '1.0',
    });
    expect(YAML.parse(text, { version: '1.1' }).data).toMatchObject({
      license: 'yes',
      githubIssueLabel: '1.0',
    });
    expect(text).toMatch(/upgradeDeadline: "2023-07-19"/);
  });
});
