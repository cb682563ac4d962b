import { MACHINE_VERSION } from '../../machines/connector-machine.js';
import { emptyAirbyteFields } from '../../machines/connector-types.js';
import { archiveSourceUrl, DEFAULT_ARCHIVE_SOURCE_URL } from '../../machines/lifecycle-policy.js';
import { StoredDataError } from '../errors.js';
import type { ConnectorRecord } from './records.js';

/** What a migration may need from the configuration. */
export interface MigrationOptions {
  /** LIFECYCLE_ARCHIVE_SOURCE_URL */
  archiveSourceUrl: string;
}

const DEFAULT_OPTIONS: MigrationOptions = { archiveSourceUrl: DEFAULT_ARCHIVE_SOURCE_URL };

/**
 * Upgrades snapshots written by older machine versions. Each entry turns version N into N+1;
 * add one whenever MACHINE_VERSION is bumped.
 */
const MIGRATIONS: Record<
  number,
  (record: ConnectorRecord, options: MigrationOptions) => ConnectorRecord
> = {
  // 1 → 2 (SPEC §11): the Airbyte fields (unknown: null, tags empty) and, for an archived
  // connector, where its source is kept. When it was archived is not known any more: its last
  // change is the best estimate.
  1: (record, options) => {
    const context = record.context;
    const archived = record.state.startsWith('archived.');
    return {
      ...record,
      context: {
        ...emptyAirbyteFields(),
        ...context,
        archive: archived
          ? {
              archivedAt: record.updatedAt,
              reason: context.deprecation?.reason ?? 'archived (before archive details were kept)',
              sourceUrl: archiveSourceUrl(options.archiveSourceUrl, context.id),
            }
          : null,
      },
    };
  },
};

export function migrateRecord(
  record: ConnectorRecord,
  options: MigrationOptions = DEFAULT_OPTIONS,
): ConnectorRecord {
  let current = record;
  if (current.machineVersion > MACHINE_VERSION) {
    throw new StoredDataError(
      `Connector ${current.context.id} was written by machine version ${current.machineVersion}; this build knows ${MACHINE_VERSION}. Upgrade the service.`,
    );
  }
  while (current.machineVersion < MACHINE_VERSION) {
    const step = MIGRATIONS[current.machineVersion];
    if (!step) {
      throw new StoredDataError(
        `No migration from machine version ${current.machineVersion} for connector ${current.context.id}.`,
      );
    }
    current = { ...step(current, options), machineVersion: current.machineVersion + 1 };
  }
  return current;
}
