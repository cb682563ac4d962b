/**
 * The types of the API's requests and answers, as the CLI sees them. This is the ONE module that
 * names them, and every one comes from the server's zod contract (src/http/contract/): the same
 * schemas that validate requests, type the server's responses and generate /openapi.json.
 */
import type { z } from 'zod';
import type {
  AcceptanceRun as ContractAcceptanceRun,
  Connector as ContractConnector,
  DeliveryAttempt as ContractDeliveryAttempt,
  HistoryEntry as ContractHistoryEntry,
  MachineDefinition,
  RegistryDocument,
  Subscription as ContractSubscription,
  Sweep as ContractSweep,
  SweepAccepted,
  SweepCandidate as ContractSweepCandidate,
  Token,
  UsageResult,
  ImportReport as ContractImportReport,
  ImportRequest as ContractImportRequest,
  SupportLevelPolicy as ContractSupportLevelPolicy,
  eventBodies,
  registrationBody,
  subscriptionBody,
  tokenBody,
  usageEntry,
} from '../src/http/contract/index.js';

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

export type Connector = ContractConnector;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface List<T> {
  items: T[];
}
export type HistoryEntry = ContractHistoryEntry;
export type AcceptanceRun = ContractAcceptanceRun;
export type Sweep = ContractSweep;
export type SweepCandidate = ContractSweepCandidate;
export type SweepStarted = SweepAccepted;
export type UsageReport = UsageResult;
export type CreatedToken = Token;
export type Subscription = ContractSubscription;
export type DeliveryAttempt = ContractDeliveryAttempt;
export type MachineDescription = MachineDefinition;
export type MachineTransition = MachineDescription['states'][number]['transitions'][number];
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
