/**
 * The one place where the dashboard learns the shape of the API. Every API type is the `z.infer`
 * of the server's zod contract (src/http/contract/): the same schemas that type the server's
 * responses and generate /openapi.json, so a change there fails the dashboard's typecheck instead of
 * its users. Type imports vanish from the bundle; the few constants are pure.
 */
import type {
  AcceptanceRun,
  Connector as ContractConnector,
  MachineDefinition,
  Sweep,
} from '../../src/http/contract/index.js';

export type {
  ArchivalReason,
  BreakingChange,
  CatalogDocument,
  CatalogEntry,
  ConnectorPage,
  Deprecation,
  HistoryEntry,
  Problem,
  SweepCandidate,
  WhoAmI,
} from '../../src/http/contract/index.js';
export type { StateName, Status, SupportLevel } from '../../machines/connector-types.js';
export type { ApiEventType } from '../../machines/connector-events.js';
export type { Role } from '../../src/auth/roles.js';

export { API_EVENT_TYPES, EVENT_PERMISSIONS } from '../../machines/connector-events.js';
export { STATE_NAMES, STATUSES, SUPPORT_LEVELS } from '../../machines/connector-types.js';
export { hasRole } from '../../src/auth/roles.js';

export type AcceptanceRunRecord = AcceptanceRun;
export type SweepRecord = Sweep;

/** Where an archived connector's source is kept (SPEC §11). */
export interface ArchiveInfo {
  sourceUrl?: string | null;
}

/** A connector as GET /v1/connectors/:id returns it. */
export type Connector = ContractConnector & { archive?: ArchiveInfo | null };

/** GET /v1/machine. */
export type MachineDescription = MachineDefinition;
export type MachineState = MachineDescription['states'][number];
