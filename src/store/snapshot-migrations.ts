import { MACHINE_VERSION } from '../../machines/connector-machine.js';
import { StoredDataError } from '../errors.js';
import type { ConnectorRecord } from './records.js';

/**
 * Upgrades snapshots written by older machine versions. Each entry turns version N into N+1;
 * add one whenever MACHINE_VERSION is bumped.
 */
const MIGRATIONS: Record<number, (record: ConnectorRecord) => ConnectorRecord> = {};

export function migrateRecord(record: ConnectorRecord): ConnectorRecord {
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
    current = { ...step(current), machineVersion: current.machineVersion + 1 };
  }
  return current;
}
