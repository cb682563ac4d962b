import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import YAML from 'yaml';
import { airbyteSchemas, type AirbyteSchemaName } from '../../../src/airbyte/airbyte-schemas.js';
import type { ApiClient } from '../../support/harness.js';

const FIXTURES = new URL('../../fixtures/airbyte-metadata/', import.meta.url);

export interface Fixture {
  file: string;
  text: string;
  /** the parsed document (YAML 1.2, as Airbyte's schemas expect) */
  doc: { metadataSpecVersion: string; data: Record<string, any> };
  id: string;
}

/** Every metadata.yaml fixture (real Airbyte files, see their SOURCES.md). */
export function fixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.metadata.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(new URL(file, FIXTURES), 'utf8');
      const doc = YAML.parse(text) as Fixture['doc'];
      const repository = doc.data.dockerRepository as string;
      return { file, text, doc, id: repository.slice(repository.lastIndexOf('/') + 1) };
    });
}

export function fixture(id: string): Fixture {
  const found = fixtures().find((f) => f.id === id);
  if (!found) throw new Error(`no fixture for ${id}`);
  return found;
}

/** A metadata.yaml text from a fixture with some `data` fields changed (undefined removes one). */
export function edited(id: string, changes: Record<string, unknown>): string {
  const { doc } = fixture(id);
  const data: Record<string, unknown> = { ...doc.data };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete data[key];
    else data[key] = value;
  }
  return YAML.stringify({ ...doc, data });
}

/** Asserts that a document validates against one of Airbyte's schemas (with ajv). */
export function expectValid(name: AirbyteSchemaName, document: unknown, what: string = name): void {
  expect(airbyteSchemas().validate(name, document), what).toEqual([]);
}

export interface ImportReport {
  dryRun: boolean;
  created: string[];
  unchanged: string[];
  drift: {
    connectorId: string;
    fields: { field: string; current: unknown; imported: unknown }[];
  }[];
  applied: string[];
  refused: {
    index: number;
    connectorId?: string;
    code: string;
    errors: { path: string; message: string }[];
  }[];
}

/** POST /v1/imports, asserting the 200. */
export async function importDocuments(
  api: ApiClient,
  body: Record<string, unknown>,
): Promise<ImportReport> {
  const res = await api.post('/v1/imports', body);
  expect(res.status, res.text).toBe(200);
  return res.body as ImportReport;
}

/** The drift fields reported for a connector, by name. */
export function driftFields(report: ImportReport, id: string): string[] {
  return (report.drift.find((d) => d.connectorId === id)?.fields ?? []).map((f) => f.field);
}
