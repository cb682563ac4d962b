import { describe, expect, it } from 'vitest';
import { AIRBYTE_FIELD_NAMES, emptyAirbyteFields } from '../../../machines/connector-types.js';
import {
  exportSourceOfEntry,
  parseCatalogEntry,
  toCatalogEntry,
} from '../../../src/catalog/catalog-entry.js';
import type { StoredConnector } from '../../../src/store/records.js';
import { baseContext } from '../machine/fixtures.js';

const stored: StoredConnector = {
  machineVersion: 1,
  state: 'certified.active',
  context: baseContext({
    documentationUrl: 'https://docs.example.com/faker',
    releaseStage: 'generally_available',
    tags: ['language:python'],
    iconUrl: 'faker.svg',
    spec: { connectionSpecification: { type: 'object' } },
  }),
  version: 7,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const entry = toCatalogEntry(stored)!;

/** The entry as stored without some of the Airbyte fields. */
function without(names: readonly string[]): string {
  const copy: Record<string, unknown> = { ...entry };
  for (const name of names) delete copy[name];
  return JSON.stringify(copy);
}

describe('parseCatalogEntry', () => {
  it('gives back a stored entry as it was written, fields and their order', () => {
    const parsed = parseCatalogEntry(JSON.stringify(entry));
    expect(parsed).toEqual(entry);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(entry));
  });

  it('reads an entry written before SPEC §11 (no Airbyte fields) with those fields unknown', () => {
    const parsed = parseCatalogEntry(without(AIRBYTE_FIELD_NAMES));
    expect(parsed).toEqual({ ...entry, ...emptyAirbyteFields() });
  });

  it('fills only the Airbyte fields an entry lacks', () => {
    const parsed = parseCatalogEntry(without(['iconUrl', 'airbyte']));
    expect(parsed).toEqual({ ...entry, iconUrl: null, airbyte: null });
    expect(parsed.spec).toEqual(entry.spec);
  });
});

describe('exportSourceOfEntry', () => {
  it('is the entry with no archive, also for an entry stored before SPEC §11', () => {
    expect(exportSourceOfEntry(entry)).toEqual({ ...entry, archive: null });
    const old = parseCatalogEntry(without(AIRBYTE_FIELD_NAMES));
    expect(exportSourceOfEntry(old)).toEqual({ ...entry, ...emptyAirbyteFields(), archive: null });
  });
});
