import { MACHINE_VERSION } from '../../machines/connector-machine.js';
import type { ConnectorContext, StateName } from '../../machines/connector-types.js';
import type { Effect } from '../../machines/effects.js';

/** A connector as stored: its lifecycle snapshot plus bookkeeping. */
export interface ConnectorRecord {
  /** the machine version this snapshot was written by (see snapshot-migrations.ts) */
  machineVersion: number;
  state: StateName;
  context: ConnectorContext;
  createdAt: string;
  updatedAt: string;
}

/** The first snapshot of a connector that comes into being at `at` (registered or imported). */
export function firstRecord(
  initial: { state: StateName; context: ConnectorContext },
  at: string,
): ConnectorRecord {
  return {
    machineVersion: MACHINE_VERSION,
    state: initial.state,
    context: initial.context,
    createdAt: at,
    updatedAt: at,
  };
}

export interface StoredConnector extends ConnectorRecord {
  /** +1 on every accepted event; the compare-and-set token */
  version: number;
}

/** One accepted event, as kept in the append-only history. */
export interface HistoryEntry {
  version: number;
  eventId: string;
  type: string;
  actor: string;
  at: string;
  from: StateName | null;
  to: StateName;
  payload: Record<string, unknown>;
  requestId?: string;
}

/** One side effect waiting in the outbox; `id` is stable and becomes the BullMQ job id. */
export interface OutboxEntry {
  id: string;
  connectorId: string;
  eventId: string;
  version: number;
  occurredAt: string;
  requestId?: string;
  effect: Effect;
}

export type AcceptanceRunStatus = 'queued' | 'running' | 'passed' | 'failed' | 'timeout' | 'error';

export interface AcceptanceRunRecord {
  id: string;
  connectorId: string;
  /** the event that started the run */
  eventId: string;
  eventType: string;
  purpose: string;
  image: string;
  status: AcceptanceRunStatus;
  /** the run's result once it ended (SPEC §7); null while queued or running */
  outcome: 'passed' | 'failed' | 'timeout' | 'error' | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  reason: string | null;
  exitCode: number | null;
  tests: {
    total: number;
    passed: number;
    failures: number;
    errors: number;
    skipped: number;
  } | null;
  reportFiles: string[];
  outputTail: string;
  /** the spec a passing run left in `{reportDir}/spec.json` (SPEC §11), if any */
  spec?: Record<string, unknown>;
}

/** A run as recorded when its gate opens, before any worker picks it up. */
export function queuedAcceptanceRun(
  fields: Pick<
    AcceptanceRunRecord,
    'id' | 'connectorId' | 'eventId' | 'eventType' | 'purpose' | 'image' | 'queuedAt'
  >,
): AcceptanceRunRecord {
  return {
    ...fields,
    status: 'queued',
    outcome: null,
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    reason: null,
    exitCode: null,
    tests: null,
    reportFiles: [],
    outputTail: '',
  };
}
