/**
 * The types of the API's answers, as the CLI sees them. This is the ONE module that names them:
 * today they come from the server's own TypeScript types; when the zod response schemas of
 * src/http/contract/ land, each alias here becomes a `z.infer<…>` and nothing else changes.
 * Request bodies are typed from the server's request schemas (src/http/schemas.ts).
 */
import type { z } from 'zod';
import type { describeMachine } from '../machines/connector-lifecycle.js';
import type { SweepRecord } from '../src/archival/sweep-store.js';
import type { TokenStore } from '../src/auth/token-store.js';
import type { connectorView } from '../src/http/connector-view.js';
import type {
  ImportReport as ContractImportReport,
  ImportRequest as ContractImportRequest,
  RegistryDocument,
  SupportLevelPolicy as ContractSupportLevelPolicy,
} from '../src/http/contract/index.js';
import type {
  eventBodies,
  registrationBody,
  subscriptionBody,
  tokenBody,
  usageEntry,
} from '../src/http/schemas.js';
import type {
  DeliveryAttempt as ServerDeliveryAttempt,
  PublicSubscription,
} from '../src/notifications/subscription-store.js';
import type {
  AcceptanceRunRecord,
  HistoryEntry as ServerHistoryEntry,
} from '../src/store/records.js';

// ---- requests -------------------------------------------------------------------------------

export type RegistrationRequest = z.input<typeof registrationBody>;
export type EventRequest = {
  [K in keyof typeof eventBodies]: z.input<(typeof eventBodies)[K]>;
}[keyof typeof eventBodies];
export type EventType = EventRequest['type'];
export type TokenRequest = z.input<typeof tokenBody>;
export type SubscriptionRequest = z.input<typeof subscriptionBody>;
export type UsageEntryRequest = z.input<typeof usageEntry>;

/** POST /v1/imports (SPEC §11). */
export type ImportRequest = ContractImportRequest;

// ---- responses ------------------------------------------------------------------------------

export type Connector = ReturnType<typeof connectorView>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface List<T> {
  items: T[];
}
export type HistoryEntry = ServerHistoryEntry;
export type AcceptanceRun = AcceptanceRunRecord;
export type Sweep = SweepRecord;
export type SweepCandidate = SweepRecord['candidates'][number];
export interface SweepStarted {
  id: string;
  status: Sweep['status'];
  dryRun: boolean;
}
export interface UsageReport {
  stored: number;
  rejected: {
    index: number;
    connectorId: string | null;
    errors: { path: string; message: string }[];
  }[];
}
export type CreatedToken = Awaited<ReturnType<TokenStore['create']>>;
export type Subscription = PublicSubscription;
export type DeliveryAttempt = ServerDeliveryAttempt;
type ServerMachine = ReturnType<typeof describeMachine>;
type ServerMachineState = ServerMachine['states'][number];
/** A transition as JSON carries it: a guard is named by its type (a function never reaches JSON). */
export type MachineTransition = Omit<ServerMachineState['transitions'][number], 'guard'> & {
  guard: string | null;
};
export type MachineDescription = Omit<ServerMachine, 'states'> & {
  states: (Omit<ServerMachineState, 'transitions'> & { transitions: MachineTransition[] })[];
  events: readonly string[];
  internalEvents: readonly string[];
};
export type Registry = RegistryDocument;

/** POST /v1/imports answer (SPEC §11). */
export type ImportReport = ContractImportReport;

/** GET /v1/support-levels (SPEC §11). */
export type SupportLevelPolicy = ContractSupportLevelPolicy;

/** An RFC 9457 problem, as every refusal carries it (SPEC §4). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}
