/** Snapshots written by machine version 1 (before SPEC §11) still load, with the new fields. */
import { describe, expect, it } from 'vitest';
import { MACHINE_VERSION } from '../../../machines/connector-machine.js';
import { migrateRecord } from '../../../src/store/snapshot-migrations.js';
import type { ConnectorRecord } from '../../../src/store/records.js';

/** A record exactly as version 1 stored it: no Airbyte fields, no archive. */
function v1Record(state: string, extra: Record<string, unknown> = {}): ConnectorRecord {
  return JSON.parse(
    JSON.stringify({
      machineVersion: 1,
      state,
      context: {
        id: 'source-legacy',
        definitionId: 'dfd88b22-b603-4c3d-aad7-3701784586b1',
        name: 'Legacy',
        type: 'source',
        language: 'python',
        dockerRepository: 'airbyte/source-legacy',
        dockerImageTag: '1.0.0',
        cdkVersion: '6.0.0',
        maintainers: ['alice'],
        deprecation: null,
        breakingChanges: {
          '1.0.0-rc.1': {
            message: 'old',
            upgradeDeadline: '2025-01-01T00:00:00.000Z',
            migrationDocumentationUrl: 'https://docs.example.com/m',
          },
        },
        lastReleaseAt: '2024-01-01T00:00:00.000Z',
        gate: null,
        unarchiveRequest: null,
        ...extra,
      },
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-06-01T00:00:00.000Z',
    }),
  ) as ConnectorRecord;
}

describe('migration 1 → 2', () => {
  it('is the current machine version', () => {
    expect(MACHINE_VERSION).toBe(2);
  });

  it('adds the Airbyte fields, unknown, and keeps everything else', () => {
    const before = v1Record('community.active');
    const after = migrateRecord(before);
    expect(after.machineVersion).toBe(2);
    expect(after.context).toEqual({
      ...before.context,
      documentationUrl: null,
      releaseStage: null,
      connectorSubtype: null,
      license: null,
      githubIssueLabel: null,
      tags: [],
      iconUrl: null,
      releaseDate: null,
      spec: null,
      airbyte: null,
      archive: null,
    });
    expect(after.state).toBe('community.active');
  });

  it('gives an archived connector where its source is kept, from the configured template', () => {
    const deprecation = {
      reason: 'unused',
      deprecatedAt: '2024-03-01T00:00:00.000Z',
      archiveAt: '2024-04-01T00:00:00.000Z',
      automated: true,
    };
    const after = migrateRecord(v1Record('archived.idle', { deprecation }), {
      archiveSourceUrl: 'https://git.example.com/{connectorId}',
    });
    expect(after.context.archive).toEqual({
      archivedAt: '2024-06-01T00:00:00.000Z',
      reason: 'unused',
      sourceUrl: 'https://git.example.com/source-legacy',
    });
    const plain = migrateRecord(v1Record('archived.unarchiveReview'));
    expect(plain.context.archive?.sourceUrl).toBe(
      'https://github.com/airbytehq/connector-archive/tree/main/source-legacy',
    );
  });

  it('refuses a snapshot from a newer machine', () => {
    expect(() => migrateRecord({ ...v1Record('community.active'), machineVersion: 99 })).toThrow(
      /machine version 99/,
    );
  });
});
