import { z } from 'zod';
import {
  API_EVENT_TYPES,
  EVENT_PERMISSIONS,
  INTERNAL_EVENT_TYPES,
  type ApiEventType,
} from '../../machines/connector-events.js';
import type { describeMachine } from '../../machines/connector-lifecycle.js';
import {
  CONNECTOR_SUBTYPES,
  CONNECTOR_TYPES,
  DEADLINE_ACTIONS,
  RELEASE_STAGES,
  STATE_NAMES,
  STATUSES,
  SUPPORT_LEVELS,
} from '../../machines/connector-types.js';
import { NOTIFICATION_TYPES } from '../../machines/notification-types.js';
import type { SweepRecord } from '../archival/sweep-store.js';
import { ROLES, type Role } from '../auth/roles.js';
import type { TokenStore } from '../auth/token-store.js';
import { MAX_IMPORT_DOCUMENTS, importBody } from '../airbyte/import-body.js';
import type { ImportReport } from '../airbyte/import-service.js';
import type { Registry } from '../airbyte/registry-export.js';
import type { SupportLevelPolicy } from '../airbyte/support-levels.js';
import type { CatalogDocument } from '../catalog/catalog-service.js';
import { notificationJob } from '../jobs/job-catalog.js';
import type { DeliveryAttempt, PublicSubscription } from '../notifications/subscription-store.js';
import type { AcceptanceRunRecord, HistoryEntry } from '../store/records.js';
import type { connectorView } from './connector-view.js';
import {
  MAX_USAGE_ENTRIES,
  connectorId,
  eventBodies,
  listConnectorsQuery,
  registrationBody,
  subscriptionBody,
  sweepBody,
  tokenBody,
  usageBody,
  usageEntry,
} from './schemas.js';

/**
 * The OpenAPI 3.1 description of the HTTP API (SPEC §4), served at GET /openapi.json and rendered at
 * GET /docs. Request bodies and query parameters are generated from the very zod schemas that
 * validate requests (./schemas.ts), so the reference cannot drift from the validation; response
 * schemas are zod schemas defined here and checked at compile time against the types the routes
 * return (see `mirrors`).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SCHEMA_PREFIX = '#/components/schemas/';
const ref = (name: string): JsonObject => ({ $ref: `${SCHEMA_PREFIX}${name}` });
const refTo = (kind: 'parameters' | 'headers', name: string): JsonObject => ({
  $ref: `#/components/${kind}/${name}`,
});

// ---------------------------------------------------------------------------------------------
// zod → JSON Schema (2020-12, which OpenAPI 3.1 uses)

/** Marks a schema that zod could not convert; the tests check that none is left. */
const UNAVAILABLE = 'x-schema-unavailable';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Makes a schema produced by `z.toJSONSchema` fit inside the document: drops `$schema` and `$id`,
 * moves `$defs` into `components.schemas` (renaming on a clash) and, for responses, drops
 * `additionalProperties: false` (responses may gain fields; clients must ignore unknown ones).
 */
function normalize(raw: unknown, components: JsonObject, open: boolean): JsonObject {
  const root = JSON.parse(JSON.stringify(raw)) as JsonObject;
  const renames = new Map<string, string>();
  const defs = isObject(root.$defs) ? root.$defs : {};
  for (const name of Object.keys(defs)) {
    let target = name;
    for (let n = 2; target in components; n++) target = `${name}${n}`;
    renames.set(name, target);
    components[target] = {};
  }
  const walk = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$schema' || key === '$id' || key === '$defs') continue;
      if (open && key === 'additionalProperties' && value === false) continue;
      // z.number().int() adds the safe-integer bounds: true of every JSON integer, noise here.
      if ((key === 'minimum' || key === 'maximum') && Math.abs(Number(value)) === MAX_SAFE) {
        continue;
      }
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
        const name = value.slice('#/$defs/'.length);
        out.$ref = `${SCHEMA_PREFIX}${renames.get(name) ?? name}`;
        continue;
      }
      out[key] = walk(value);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[renames.get(name)!] = walk(def);
  return walk(root) as JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A request schema (what the client sends: defaults optional, coercions by their input type). */
function inputSchema(schema: z.ZodType, components: JsonObject): JsonObject {
  try {
    const raw = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
    });
    return normalize(raw, components, false);
  } catch {
    return { [UNAVAILABLE]: true };
  }
}

/** Adds descriptions to properties that have none (refinements zod cannot express). */
function describeProperties(schema: JsonObject, descriptions: Record<string, string>): JsonObject {
  const props = schema.properties;
  if (!isObject(props)) return schema;
  for (const [name, text] of Object.entries(descriptions)) {
    const prop = props[name];
    if (isObject(prop) && prop.description === undefined) prop.description = text;
  }
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Response schemas

interface ResponseMeta {
  id?: string;
  title?: string;
  description?: string;
  format?: string;
}
const responseRegistry = z.registry<ResponseMeta>();

const responseIds: string[] = [];

function component<S extends z.ZodType>(id: string, description: string, schema: S): S {
  responseRegistry.add(schema, { id, description });
  responseIds.push(id);
  return schema;
}
function formatted(format: string, description?: string) {
  const schema = z.string();
  responseRegistry.add(schema, description ? { format, description } : { format });
  return schema;
}

type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
type Mirrors<S extends z.ZodType, T> = [z.output<S>] extends [T] ? SameKeys<z.output<S>, T> : false;
/**
 * Compile-time guard: what a response schema describes is assignable to the type the route really
 * returns, with the same top-level fields, so that a change to one without the other fails `tsc`.
 */
function mirrors<T>() {
  return <S extends z.ZodType>(
    schema: S,
    ..._check: Mirrors<S, T> extends true ? [] : ['response schema does not mirror the type']
  ): S => schema;
}

const timestamp = formatted('date-time');
const nullableTimestamp = timestamp.nullable();
const anyObject = z.record(z.string(), z.unknown());

const deprecationSchema = component(
  'Deprecation',
  'A deprecation in progress: the connector is archived at `archiveAt` unless it is cancelled.',
  z.object({
    reason: z.string(),
    deprecatedAt: timestamp,
    archiveAt: timestamp,
    replacement: z.string().optional(),
    automated: z.boolean(),
  }),
);
const breakingChangeSchema = component(
  'BreakingChange',
  'A breaking change, keyed by the plain X.Y.Z version that breaks (as in Airbyte metadata). `migrationDocumentationUrl` is absent when an imported Airbyte document names none; `deadlineAction` and `scopedImpact` are Airbyte’s.',
  z.object({
    message: z.string(),
    upgradeDeadline: timestamp,
    migrationDocumentationUrl: formatted('uri').optional(),
    deadlineAction: z.enum(DEADLINE_ACTIONS).optional(),
    scopedImpact: z
      .array(z.object({ scopeType: z.literal('stream'), impactedScopes: z.array(z.string()) }))
      .optional(),
  }),
);
const archiveSchema = component(
  'Archive',
  'Where an archived connector’s source is kept (`sourceUrl`, from LIFECYCLE_ARCHIVE_SOURCE_URL), since when and why.',
  z.object({ archivedAt: timestamp, reason: z.string(), sourceUrl: formatted('uri') }),
);
/** The optional Airbyte fields of SPEC §11: null (tags: empty) when unknown. */
const airbyteFieldSchemas = {
  documentationUrl: formatted('uri').nullable(),
  releaseStage: z.enum(RELEASE_STAGES).nullable(),
  connectorSubtype: z.enum(CONNECTOR_SUBTYPES).nullable(),
  license: z.string().nullable(),
  githubIssueLabel: z.string().nullable(),
  tags: z.array(z.string()),
  iconUrl: formatted('uri').nullable(),
  releaseDate: formatted('date').nullable(),
  spec: anyObject.nullable(),
  airbyte: anyObject.nullable(),
};
const pendingGateSchema = component(
  'PendingGate',
  'The acceptance-test run gating the current transition.',
  z.object({
    runId: z.string(),
    purpose: z.enum(['contribution', 'certification', 'unarchive']),
    image: z.string(),
    requestedBy: z.string(),
    requestedAt: timestamp,
  }),
);
const unarchiveRequestSchema = component(
  'UnarchiveRequest',
  'The latest request to un-archive the connector: pending → ready (tests passed) → approved | rejected.',
  z.object({
    requester: z.string(),
    justification: z.string(),
    dockerImageTag: z.string(),
    cdkVersion: z.string(),
    requestedAt: timestamp,
    runId: z.string(),
    outcome: z.enum(['pending', 'ready', 'approved', 'rejected']),
    reason: z.string().optional(),
    spec: anyObject.optional(),
  }),
);

const connectorSchema = mirrors<ReturnType<typeof connectorView>>()(
  component(
    'Connector',
    'A connector with its lifecycle state. `version` grows by one with every accepted event; the `ETag` header is `"v<version>"`.',
    z.object({
      id: z.string(),
      definitionId: z.string(),
      name: z.string(),
      type: z.enum(CONNECTOR_TYPES),
      language: z.string().nullable(),
      dockerRepository: z.string(),
      dockerImageTag: z.string(),
      cdkVersion: z.string().nullable(),
      maintainers: z.array(z.string()),
      supportLevel: z.enum(SUPPORT_LEVELS),
      status: z.enum(STATUSES),
      state: z.enum(STATE_NAMES),
      version: z.number().int().min(1),
      allowedEvents: z.array(z.enum(API_EVENT_TYPES)),
      deprecation: deprecationSchema.nullable(),
      archive: archiveSchema.nullable(),
      breakingChanges: z.record(z.string(), breakingChangeSchema),
      ...airbyteFieldSchemas,
      acceptanceRun: pendingGateSchema.nullable(),
      unarchiveRequest: unarchiveRequestSchema.nullable(),
      lastReleaseAt: timestamp,
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
  ),
);

component(
  'ConnectorPage',
  'One page of connectors, sorted by id. Pass `nextCursor` back as `cursor` for the next page; `null` on the last page.',
  z.object({ items: z.array(connectorSchema), nextCursor: z.string().nullable() }),
);

const historyEntrySchema = mirrors<HistoryEntry>()(
  component(
    'HistoryEntry',
    'One accepted event (API or internal) and the transition it made.',
    z.object({
      version: z.number().int(),
      eventId: z.string(),
      type: z.string(),
      actor: z.string(),
      at: timestamp,
      from: z.enum(STATE_NAMES).nullable(),
      to: z.enum(STATE_NAMES),
      payload: anyObject,
      requestId: z.string().optional(),
    }),
  ),
);
component(
  'HistoryList',
  'Every accepted event, oldest first.',
  z.object({ items: z.array(historyEntrySchema) }),
);

const acceptanceRunSchema = mirrors<AcceptanceRunRecord>()(
  component(
    'AcceptanceRun',
    'One run of the connector acceptance tests.',
    z.object({
      id: z.string(),
      connectorId: z.string(),
      eventId: z.string(),
      eventType: z.string(),
      purpose: z.string(),
      image: z.string(),
      status: z.enum(['queued', 'running', 'passed', 'failed', 'timeout', 'error']),
      outcome: z.enum(['passed', 'failed', 'timeout', 'error']).nullable(),
      queuedAt: timestamp,
      startedAt: nullableTimestamp,
      finishedAt: nullableTimestamp,
      attempts: z.number().int(),
      reason: z.string().nullable(),
      exitCode: z.number().int().nullable(),
      tests: z
        .object({
          total: z.number().int(),
          passed: z.number().int(),
          failures: z.number().int(),
          errors: z.number().int(),
          skipped: z.number().int(),
        })
        .nullable(),
      reportFiles: z.array(z.string()),
      outputTail: z.string(),
      spec: anyObject.optional(),
    }),
  ),
);
component(
  'AcceptanceRunList',
  'The acceptance runs of a connector.',
  z.object({ items: z.array(acceptanceRunSchema) }),
);

const catalogEntrySchema = component(
  'CatalogEntry',
  'A connector as listed in the public catalog.',
  z.object({
    id: z.string(),
    definitionId: z.string(),
    name: z.string(),
    type: z.enum(CONNECTOR_TYPES),
    language: z.string().nullable(),
    dockerRepository: z.string(),
    dockerImageTag: z.string(),
    cdkVersion: z.string().nullable(),
    supportLevel: z.enum(['community', 'certified']),
    status: z.enum(STATUSES),
    maintainers: z.array(z.string()),
    deprecation: deprecationSchema.nullable(),
    breakingChanges: z.record(z.string(), breakingChangeSchema),
    ...airbyteFieldSchemas,
    version: z.number().int(),
    updatedAt: timestamp,
  }),
);
const supportLevelSchema = mirrors<SupportLevelPolicy>()(
  component(
    'SupportLevel',
    'The support policy of one support level (Airbyte’s “Connector Support Levels”, or LIFECYCLE_SUPPORT_POLICY_FILE).',
    z.object({
      supportLevel: z.enum(SUPPORT_LEVELS),
      availability: z.string(),
      whoBuilds: z.string(),
      whoMaintains: z.string(),
      productionReadiness: z.string(),
      support: z.object({
        cloud: z.string(),
        poweredByAirbyte: z.string(),
        selfManagedEnterprise: z.string(),
        communityOss: z.string(),
      }),
      notes: z.string(),
    }),
  ),
);
component(
  'SupportLevelList',
  'The support policy of each support level.',
  z.object({ items: z.array(supportLevelSchema) }),
);
const documentErrorSchema = z.object({ path: z.string(), message: z.string() });
mirrors<ImportReport>()(
  component(
    'ImportReport',
    'What an import did (or, with `dryRun`, would do), by connector id. A connector whose document differs is in `drift` with every field that differs (`current` and `imported` as the document’s format expresses them); one whose greater `dockerImageTag` was applied (a PUBLISH_RELEASE) is in `applied`, and in `drift` only with what a release cannot carry (e.g. `supportLevel`). `refused[].index` is the position in `metadata`, or in the registry’s `sources` followed by its `destinations`; `code` is `INVALID_DOCUMENT`, `DUPLICATE_DOCUMENT`, `DEFINITION_ID_EXISTS`, `DEFINITION_ID_MISMATCH`, `CONNECTOR_TYPE_MISMATCH` or the machine’s refusal of the release (`EVENT_NOT_ALLOWED`, `UPGRADE_WINDOW_TOO_SHORT`, …).',
    z.object({
      dryRun: z.boolean(),
      created: z.array(z.string()),
      unchanged: z.array(z.string()),
      drift: z.array(
        z.object({
          connectorId: z.string(),
          fields: z.array(
            z.object({ field: z.string(), current: z.unknown(), imported: z.unknown() }),
          ),
        }),
      ),
      applied: z.array(z.string()),
      refused: z.array(
        z.object({
          index: z.number().int(),
          connectorId: z.string().optional(),
          code: z.string(),
          errors: z.array(documentErrorSchema),
        }),
      ),
    }),
  ),
);
mirrors<CatalogDocument & { supportLevels: SupportLevelPolicy[] }>()(
  component(
    'CatalogDocument',
    'The public catalog: every community and certified connector (deprecated ones included), never custom or archived ones. `catalogVersion` grows with every change. `supportLevels` is the support policy of each level (as GET /v1/support-levels).',
    z.object({
      catalogVersion: z.number().int(),
      generatedAt: nullableTimestamp,
      connectors: z.array(catalogEntrySchema),
      supportLevels: z.array(supportLevelSchema),
    }),
  ),
);

const registryEntryFields = {
  name: z.string(),
  dockerRepository: z.string(),
  dockerImageTag: z.string(),
  documentationUrl: z.string(),
  spec: anyObject,
  supportLevel: z.enum(['community', 'certified', 'archived']).optional(),
  releaseStage: z.enum(RELEASE_STAGES),
  tombstone: z.boolean(),
  public: z.boolean(),
  custom: z.boolean(),
};
mirrors<Registry>()(
  component(
    'Registry',
    "The catalog in Airbyte's registry format (`ConnectorRegistryV0`): every entry validates against Airbyte's `ConnectorRegistrySourceDefinition` / `…DestinationDefinition`, with the fields Airbyte's registry generator fills (`sourceType`, `iconUrl`, `releaseDate`, `tags`, `license`, `language`, `packageInfo.cdk_version`, `ab_internal`, `releases` when there are breaking changes, and the other fields of an imported document).",
    z.object({
      sources: z.array(
        component(
          'RegistrySource',
          'A source in the registry format (more fields may be present).',
          z.object({ sourceDefinitionId: z.string(), ...registryEntryFields }),
        ),
      ),
      destinations: z.array(
        component(
          'RegistryDestination',
          'A destination in the registry format (more fields may be present).',
          z.object({ destinationDefinitionId: z.string(), ...registryEntryFields }),
        ),
      ),
    }),
  ),
);

const subscriptionSchema = mirrors<PublicSubscription>()(
  component(
    'Subscription',
    'A webhook subscription; the secret is never returned. `events` and `connectorIds` are `null` when the subscription matches every event type or every connector.',
    z.object({
      id: z.string(),
      owner: z.string(),
      url: formatted('uri'),
      events: z.array(z.enum(NOTIFICATION_TYPES)).nullable(),
      connectorIds: z.array(z.string()).nullable(),
      createdAt: timestamp,
    }),
  ),
);
component(
  'SubscriptionList',
  "The caller's subscriptions.",
  z.object({ items: z.array(subscriptionSchema) }),
);

const deliveryAttemptSchema = mirrors<DeliveryAttempt>()(
  component(
    'DeliveryAttempt',
    'One attempt to deliver a notification; `dead_lettered` after the last attempt failed.',
    z.object({
      deliveryId: z.string(),
      eventId: z.string(),
      eventType: z.enum(NOTIFICATION_TYPES),
      connectorId: z.string(),
      attempt: z.number().int(),
      maxAttempts: z.number().int(),
      at: timestamp,
      durationMs: z.number(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      outcome: z.enum(['delivered', 'retrying', 'dead_lettered']),
      nextRetryAt: nullableTimestamp,
    }),
  ),
);
component(
  'DeliveryAttemptList',
  'Delivery attempts of a subscription, oldest first (the latest 1,000 are kept).',
  z.object({ items: z.array(deliveryAttemptSchema) }),
);

const archivalReasonSchema = component(
  'ArchivalReason',
  'Why a connector is an archival candidate, with the figures that made it one.',
  z.discriminatedUnion('code', [
    z.object({
      code: z.literal('low_usage'),
      usage: z.number(),
      threshold: z.number(),
      windowDays: z.number(),
      windowStart: formatted('date'),
    }),
    z.object({
      code: z.literal('unmaintained'),
      lastReleaseAt: timestamp,
      thresholdDays: z.number(),
      daysSinceRelease: z.number(),
    }),
  ]),
);
mirrors<SweepRecord>()(
  component(
    'SweepRecord',
    'An archival sweep: its status, the candidates with their reasons and figures, and what was done.',
    z.object({
      id: z.string(),
      status: z.enum(['queued', 'running', 'completed', 'failed']),
      dryRun: z.boolean(),
      trigger: z.enum(['manual', 'scheduled']),
      requestedBy: z.string(),
      createdAt: timestamp,
      startedAt: nullableTimestamp,
      finishedAt: nullableTimestamp,
      settings: z
        .object({
          minAgeDays: z.number(),
          usageWindowDays: z.number(),
          minUsage: z.number(),
          unmaintainedDays: z.number(),
          noticeDays: z.number(),
        })
        .nullable(),
      scanned: z.object({
        community: z.number().int(),
        certified: z.number().int(),
        oldEnough: z.number().int(),
      }),
      candidates: z.array(
        z.object({
          connectorId: z.string(),
          name: z.string(),
          supportLevel: z.enum(['community', 'certified']),
          reasons: z.array(archivalReasonSchema),
          description: z.string(),
          action: z.enum([
            'deprecated',
            'would_deprecate',
            'review_suggested',
            'would_suggest_review',
            'review_already_suggested',
            'skipped',
          ]),
          archiveAt: timestamp.optional(),
          detail: z.string().optional(),
        }),
      ),
      summary: z.object({
        candidates: z.number().int(),
        deprecated: z.number().int(),
        reviewSuggested: z.number().int(),
        skipped: z.number().int(),
      }),
      error: z.string().nullable(),
    }),
  ),
);
component(
  'SweepAccepted',
  'A sweep was queued; follow the `Location` header for its report.',
  z.object({ id: z.string(), status: z.literal('queued'), dryRun: z.boolean() }),
);

component(
  'UsageResult',
  'How many entries were stored, and every rejected entry with its errors (the others are stored).',
  z.object({
    stored: z.number().int(),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        connectorId: z.unknown(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  }),
);

mirrors<Awaited<ReturnType<TokenStore['create']>>>()(
  component(
    'Token',
    'A new API token. `token` is shown only in this response: only its hash is stored.',
    z.object({
      id: z.string(),
      token: z.string(),
      subject: z.string(),
      role: z.enum(ROLES),
      createdAt: timestamp,
    }),
  ),
);

component(
  'Problem',
  'An error (RFC 9457 problem details). `code` is stable and meant for programs; `detail` is for people.',
  z.object({
    type: formatted('uri', 'Identifies the kind of problem; derived from `code`.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          keys: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    state: z.enum(STATE_NAMES).optional(),
    allowedEvents: z.array(z.enum(API_EVENT_TYPES)).optional(),
    requiredRole: z.enum(ROLES).optional(),
    currentVersion: z.number().int().optional(),
    retryAfterSeconds: z.number().int().optional(),
    limitPerMinute: z.number().int().optional(),
  }),
);

type MachineDescription = ReturnType<typeof describeMachine> & {
  events: readonly ApiEventType[];
  internalEvents: readonly (typeof INTERNAL_EVENT_TYPES)[number][];
};
mirrors<MachineDescription>()(
  component(
    'Machine',
    'The lifecycle state machine: every state with its transitions (event, target, guard).',
    z.object({
      id: z.string(),
      states: z.array(
        z.object({
          state: z.enum(STATE_NAMES),
          supportLevel: z.enum(SUPPORT_LEVELS),
          status: z.enum(STATUSES),
          transitions: z.array(
            z.object({
              event: z.string(),
              internal: z.boolean(),
              target: z.enum(STATE_NAMES),
              guard: z.string().nullable(),
            }),
          ),
        }),
      ),
      events: z.array(z.enum(API_EVENT_TYPES)),
      internalEvents: z.array(z.enum(INTERNAL_EVENT_TYPES)),
    }),
  ),
);

component('Health', 'The process is alive.', z.object({ status: z.literal('ok') }));
component(
  'Readiness',
  'Redis and the queues are reachable.',
  z.object({
    status: z.literal('ready'),
    redis: z.literal('ok'),
    queues: z.record(z.string(), z.record(z.string(), z.number().int())),
    outboxBacklog: z.number().int(),
  }),
);

component(
  'WebhookNotification',
  'The JSON body of a webhook delivery. `id` is stable across retries: drop duplicates by it.',
  notificationJob.pick({ id: true, type: true, connectorId: true, occurredAt: true, data: true }),
);

function responseSchemas(components: JsonObject): void {
  try {
    const { schemas } = z.toJSONSchema(responseRegistry, {
      target: 'draft-2020-12',
      io: 'output',
      unrepresentable: 'any',
      metadata: responseRegistry,
      uri: (id) => `${SCHEMA_PREFIX}${id}`,
    });
    for (const [name, schema] of Object.entries(schemas)) {
      components[name] = normalize(schema, components, true);
    }
  } catch {
    for (const name of responseIds) components[name] = { [UNAVAILABLE]: true };
  }
}

// ---------------------------------------------------------------------------------------------
// Request schemas, from ./schemas.ts

const EVENT_DOCS: Record<ApiEventType, { summary: string; example: JsonObject }> = {
  CONTRIBUTE: {
    summary:
      'custom.active → custom.contributing; starts the acceptance tests (202). On a pass the connector becomes community.active; on a failure it goes back to custom.active.',
    example: { type: 'CONTRIBUTE' },
  },
  REQUEST_CERTIFICATION: {
    summary:
      'community.active → community.certifying; starts the acceptance tests (202). On a pass the connector becomes certified.active.',
    example: { type: 'REQUEST_CERTIFICATION' },
  },
  DEMOTE: {
    summary: 'certified.active → community.active.',
    example: { type: 'DEMOTE', reason: 'No longer meets the certified support promise.' },
  },
  DEPRECATE: {
    summary:
      '{community,certified}.active → ….deprecated; archived when the notice ends (`archiveAt`). A certified connector needs `noticeDays` ≥ LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS (422 NOTICE_TOO_SHORT otherwise).',
    example: {
      type: 'DEPRECATE',
      reason: 'Superseded by source-postgres-v2.',
      noticeDays: 90,
      replacement: 'source-postgres-v2',
    },
  },
  CANCEL_DEPRECATION: {
    summary: '{community,certified}.deprecated → ….active.',
    example: { type: 'CANCEL_DEPRECATION', reason: 'Still widely used.' },
  },
  ARCHIVE: {
    summary:
      'community.{active,deprecated} → archived.idle at once (a certified connector is deprecated first).',
    example: { type: 'ARCHIVE', reason: 'Unmaintained.' },
  },
  PUBLISH_RELEASE: {
    summary:
      'Records a new version in {custom,community,certified}.{active,deprecated}. `dockerImageTag` must be semver and greater than the current one; a `breakingChange` on a certified connector needs an `upgradeDeadline` far enough ahead (422 UPGRADE_WINDOW_TOO_SHORT).',
    example: {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      cdkVersion: '6.1.0',
      breakingChange: {
        message: 'The `users` stream is renamed to `accounts`.',
        upgradeDeadline: '2030-01-31',
        migrationDocumentationUrl: 'https://docs.example.com/source-faker/migration-2',
      },
    },
  },
  REQUEST_UNARCHIVE: {
    summary:
      'archived.idle → archived.unarchiveTesting; starts the acceptance tests (202); on a pass the request waits for review. `cdkVersion` must be ≥ the current CDK of the language (422 CDK_OUTDATED).',
    example: {
      type: 'REQUEST_UNARCHIVE',
      justification: 'We use it in production and will maintain it.',
      dockerImageTag: '3.0.0',
      cdkVersion: '6.0.0',
    },
  },
  APPROVE_UNARCHIVE: {
    summary: 'archived.unarchiveReview → community.active; the requester becomes a maintainer.',
    example: { type: 'APPROVE_UNARCHIVE', reason: 'Tests pass on the current CDK.' },
  },
  REJECT_UNARCHIVE: {
    summary: 'archived.unarchiveReview → archived.idle.',
    example: { type: 'REJECT_UNARCHIVE', reason: 'No maintainer commitment.' },
  },
};

function whoMaySend(type: ApiEventType): string {
  const permission = EVENT_PERMISSIONS[type];
  return permission.kind === 'maintainerOrRole'
    ? `a subject listed in the connector's \`maintainers\`, or a token with the ${permission.role} role or higher`
    : `a token with the ${permission.role} role or higher`;
}

function eventSchemaName(type: ApiEventType): string {
  const pascal = type
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `${pascal}Event`;
}

/** Valid example bodies, by request schema name (checked against the zod schemas by the tests). */
export const REQUEST_EXAMPLES = {
  TokenRequest: { subject: 'alice', role: 'maintainer' },
  RegistrationRequest: {
    id: 'source-faker',
    name: 'Sample Data (Faker)',
    type: 'source',
    language: 'python',
    dockerRepository: 'airbyte/source-faker',
    dockerImageTag: '6.2.20',
    cdkVersion: '6.0.0',
    maintainers: ['alice'],
  },
  SubscriptionRequest: {
    url: 'https://hooks.example.com/connector-lifecycle',
    secret: 'a-long-random-secret',
    events: ['connector.deprecated', 'connector.archived'],
    connectorIds: ['source-faker'],
  },
  UsageRequest: {
    entries: [
      { connectorId: 'source-faker', date: '2025-01-31', activeConnections: 12, syncs: 96 },
    ],
  },
  SweepRequest: { dryRun: true },
  ImportRequest: {
    metadata: [
      'metadataSpecVersion: "1.0"\ndata:\n  name: Sample Data (Faker)\n  definitionId: dfd88b22-b603-4c3d-aad7-3701784586b1\n  connectorType: source\n  dockerRepository: airbyte/source-faker\n  dockerImageTag: 6.2.20\n  license: MIT\n  documentationUrl: https://docs.airbyte.com/integrations/sources/faker\n  githubIssueLabel: source-faker\n  connectorSubtype: api\n  releaseStage: beta\n  supportLevel: community\n  tags:\n    - language:python\n',
    ],
    maintainers: ['alice'],
    apply: true,
  },
  events: Object.fromEntries(API_EVENT_TYPES.map((t) => [t, EVENT_DOCS[t].example])) as Record<
    ApiEventType,
    JsonObject
  >,
} satisfies Record<string, Json>;

function requestSchemas(components: JsonObject): void {
  components.TokenRequest = inputSchema(tokenBody, components);
  components.RegistrationRequest = describeProperties(inputSchema(registrationBody, components), {
    id: 'Must start with the connector type: `source-…` or `destination-…`.',
    definitionId: "Airbyte's definition id; generated when absent.",
    supportLevel: '`community` (listed in the catalog) or `custom` (private to its owner).',
    maintainers: 'Subjects (token subjects) who maintain the connector.',
  });
  for (const type of API_EVENT_TYPES) {
    const schema = inputSchema(eventBodies[type], components);
    schema.title = type;
    schema.description = `${EVENT_DOCS[type].summary} Who may send it: ${whoMaySend(type)}.`;
    components[eventSchemaName(type)] = schema;
  }
  const publish = components[eventSchemaName('PUBLISH_RELEASE')];
  const breaking = isObject(publish) && isObject(publish.properties) ? publish.properties : {};
  if (isObject(breaking.breakingChange)) {
    describeProperties(breaking.breakingChange, {
      upgradeDeadline:
        'A date (YYYY-MM-DD, meaning 00:00 UTC) or an ISO 8601 timestamp; by then users must have upgraded.',
    });
  }
  components.EventRequest = {
    description:
      'One lifecycle event: `type` selects the payload. Unknown fields are refused (400). The events that the connector accepts now are in its `allowedEvents`.',
    oneOf: API_EVENT_TYPES.map((t) => ref(eventSchemaName(t))),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        API_EVENT_TYPES.map((t) => [t, `${SCHEMA_PREFIX}${eventSchemaName(t)}`]),
      ),
    },
  };
  components.SubscriptionRequest = describeProperties(inputSchema(subscriptionBody, components), {
    url: 'An http(s) URL that receives a POST per notification.',
    secret: 'Signs every delivery (`X-Lifecycle-Signature`); never returned.',
    events: 'Only these notification types; every type when absent.',
    connectorIds: 'Only these connectors; every connector when absent.',
  });
  components.UsageEntry = describeProperties(inputSchema(usageEntry, components), {
    date: 'A UTC calendar day, at most one day after today (UTC).',
    activeConnections: 'Active connections on that day.',
  });
  const usage = inputSchema(usageBody, components);
  const entries = isObject(usage.properties) ? usage.properties.entries : undefined;
  if (isObject(entries)) {
    entries.items = ref('UsageEntry');
    entries.description = `At most ${MAX_USAGE_ENTRIES} entries. Each is checked on its own: a bad one is reported in \`rejected\` and the others are stored. An entry for the same connector and day replaces the earlier one.`;
  }
  components.UsageRequest = usage;
  components.SweepRequest = describeProperties(inputSchema(sweepBody, components), {
    dryRun: 'Report the candidates without changing anything.',
  });
  components.ImportRequest = describeProperties(inputSchema(importBody, components), {
    metadata:
      'Airbyte metadata.yaml texts (ConnectorMetadataDefinitionV0; the older key `registries` is read as `registryOverrides`). The connector id is the last segment of `dockerRepository`.',
    registry:
      'An Airbyte registry (`oss_registry.json`, `cloud_registry.json`, or GET /v1/catalog/registry.json): each entry of `sources` and `destinations` is a document.',
    maintainers: 'The maintainers of the connectors created; the importing subject when absent.',
    dryRun: 'Report what the import would do and change nothing.',
    apply:
      'Apply a greater `dockerImageTag` of a stored connector as a PUBLISH_RELEASE (with its breaking change, policies and notifications). Without it, differences are only reported.',
  });
  components.ImportRequest.description = `At most ${MAX_IMPORT_DOCUMENTS} documents in all. Each document is validated with Airbyte's own JSON Schema and judged on its own: a refused one does not stop the others.`;
}

/** The query parameters of GET /v1/connectors, from `listConnectorsQuery`. */
function listQueryParameters(components: JsonObject): JsonObject[] {
  const schema = inputSchema(listConnectorsQuery, components);
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const descriptions: Record<string, string> = {
    supportLevel: 'Only connectors with this support level.',
    status: 'Only connectors with this status.',
    type: 'Only sources or only destinations.',
    q: 'Case-insensitive substring of the id, name or Docker repository.',
    limit: 'Page size.',
    cursor: 'The `nextCursor` of the previous page.',
  };
  return Object.entries(props).map(([name, prop]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: prop,
  }));
}

// ---------------------------------------------------------------------------------------------
// Operations

type Tag =
  'tokens' | 'connectors' | 'catalog' | 'airbyte' | 'notifications' | 'archival' | 'operations';

const TAGS: { name: Tag; description: string }[] = [
  { name: 'tokens', description: 'API tokens (admin).' },
  {
    name: 'connectors',
    description: 'Register connectors, send lifecycle events, read their history and tests.',
  },
  { name: 'catalog', description: 'The public catalog and the lifecycle machine (no token).' },
  {
    name: 'airbyte',
    description:
      "Airbyte interoperability: import metadata.yaml files and registries, export a connector's metadata.yaml, the support levels.",
  },
  { name: 'notifications', description: 'Webhook subscriptions and their deliveries.' },
  { name: 'archival', description: 'Usage reports and automated archival sweeps.' },
  { name: 'operations', description: 'Health, readiness, metrics and this reference.' },
];

type Access =
  { kind: 'public' } | { kind: 'role'; role: Role } | { kind: 'owner' } | { kind: 'event' };

interface Operation {
  method: 'get' | 'post' | 'delete';
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description: string;
  access: Access;
  parameters?: JsonObject[];
  body?: { schema: string; required: boolean; examples: Record<string, JsonObject> };
  /** body limit, for the 413 text */
  bodyLimit?: string;
  responses: Record<string, JsonObject>;
  /** error reasons specific to this operation, by status */
  errors?: Record<number, string[]>;
}

const problemContent = { 'application/problem+json': { schema: ref('Problem') } };
const json = (schema: string): JsonObject => ({ 'application/json': { schema: ref(schema) } });

function accessText(access: Access): string {
  switch (access.kind) {
    case 'public':
      return 'Public: no token needed.';
    case 'role':
      return access.role === 'admin'
        ? 'A token with the admin role.'
        : `A token with the ${access.role} role or higher.`;
    case 'owner':
      return 'The subject that created the subscription, or an admin.';
    case 'event':
      return 'Depends on the event type: CONTRIBUTE and PUBLISH_RELEASE — a subject listed in the connector’s `maintainers`, or maintainer+; REQUEST_UNARCHIVE — contributor+; every other event — maintainer+. Any valid token may call the route; a caller who may not send the event gets 403.';
  }
}

function buildOperation(op: Operation): JsonObject {
  const v1 = op.path.startsWith('/v1/');
  const reasons = new Map<number, string[]>();
  const add = (status: number, text: string) =>
    reasons.set(status, [...(reasons.get(status) ?? []), text]);
  const parameters = [...(op.parameters ?? [])];

  if (op.body) {
    add(
      400,
      'The body is not JSON (`INVALID_JSON`) or fails validation (`INVALID_INPUT`, with `errors: [{path, message}]` naming every bad field; unknown fields are refused).',
    );
    add(413, `The body is larger than ${op.bodyLimit ?? '1 MB'} (\`PAYLOAD_TOO_LARGE\`).`);
    add(415, 'The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`).');
  }
  if (op.method === 'post') {
    parameters.push(refTo('parameters', 'IdempotencyKey'));
    add(400, 'A malformed `Idempotency-Key` (`INVALID_INPUT`).');
    add(
      409,
      'A request with the same `Idempotency-Key` is still running (`IDEMPOTENCY_KEY_IN_PROGRESS`).',
    );
    add(
      422,
      'The `Idempotency-Key` was already used with another body or path (`IDEMPOTENCY_KEY_REUSED`).',
    );
  }
  if (op.access.kind === 'public' && v1) {
    add(
      401,
      'No token is needed, but the one sent is malformed, unknown or revoked (`UNAUTHORIZED`).',
    );
  } else if (op.access.kind !== 'public') {
    add(
      401,
      'No token, a malformed `Authorization` header, or an unknown or revoked token (`UNAUTHORIZED`).',
    );
    if (op.access.kind === 'role' && op.access.role !== 'reader') {
      add(
        403,
        `The token's role is below ${op.access.role} (\`FORBIDDEN\`, with \`requiredRole\`).`,
      );
    }
  }
  for (const [status, texts] of Object.entries(op.errors ?? {})) {
    for (const text of texts) add(Number(status), text);
  }
  if (v1) {
    add(
      429,
      'More than `LIFECYCLE_RATE_LIMIT_PER_MINUTE` requests in the current minute from this token (or address, without a token) (`RATE_LIMITED`). Retry after `Retry-After` seconds.',
    );
  }

  const responses: JsonObject = { ...op.responses };
  for (const status of [...reasons.keys()].sort((a, b) => a - b)) {
    const headers: JsonObject = {};
    if (status === 401) headers['WWW-Authenticate'] = refTo('headers', 'WWWAuthenticate');
    if (status === 429) {
      headers['Retry-After'] = refTo('headers', 'RetryAfter');
      headers['RateLimit-Limit'] = refTo('headers', 'RateLimitLimit');
      headers['RateLimit-Remaining'] = refTo('headers', 'RateLimitRemaining');
      headers['RateLimit-Reset'] = refTo('headers', 'RateLimitReset');
    }
    responses[String(status)] = {
      description: reasons.get(status)!.join(' '),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: problemContent,
    };
  }
  if (v1) {
    responses.default = {
      description:
        'An unexpected error (500 `INTERNAL`, logged with the request id) or Redis unreachable (503 `REDIS_UNAVAILABLE`).',
      content: problemContent,
    };
  }

  const requestBody: JsonObject | undefined = op.body
    ? {
        required: op.body.required,
        content: {
          'application/json': {
            schema: ref(op.body.schema),
            examples: Object.fromEntries(
              Object.entries(op.body.examples).map(([name, value]) => [name, { value }]),
            ),
          },
        },
      }
    : undefined;

  return {
    tags: [op.tag],
    operationId: op.operationId,
    summary: op.summary,
    description: `${op.description}\n\n**Who may call it:** ${accessText(op.access)}`,
    security: op.access.kind === 'public' ? [] : [{ bearerAuth: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function operations(listParameters: JsonObject[]): Operation[] {
  const connector = refTo('parameters', 'ConnectorId');
  const noConnector = { 404: ['No connector with this id (`NOT_FOUND`).'] };
  const subscription = refTo('parameters', 'SubscriptionId');
  const ownerErrors = {
    403: ['The subscription belongs to another subject (`FORBIDDEN`).'],
    404: ['No subscription with this id (`NOT_FOUND`).'],
  };
  const etag = { ETag: refTo('headers', 'ETag') };
  const cached = {
    ETag: refTo('headers', 'ETag'),
    'Cache-Control': refTo('headers', 'CacheControl'),
  };
  const replayed = { 'Idempotent-Replayed': refTo('headers', 'IdempotentReplayed') };
  const notModified = {
    description: 'Not modified: `If-None-Match` names the current `ETag` (no body).',
    headers: etag,
  };

  return [
    {
      method: 'post',
      path: '/v1/tokens',
      operationId: 'createToken',
      tag: 'tokens',
      summary: 'Create an API token',
      description:
        'Creates a token for a subject with a role (`reader` < `contributor` < `maintainer` < `admin`). The token is shown once, in this response; only its hash is stored.',
      access: { kind: 'role', role: 'admin' },
      body: {
        schema: 'TokenRequest',
        required: true,
        examples: { maintainer: REQUEST_EXAMPLES.TokenRequest },
      },
      responses: {
        201: {
          description: 'The token (`Cache-Control: no-store`).',
          headers: { 'Cache-Control': refTo('headers', 'CacheControl'), ...replayed },
          content: json('Token'),
        },
      },
    },
    {
      method: 'delete',
      path: '/v1/tokens/{id}',
      operationId: 'revokeToken',
      tag: 'tokens',
      summary: 'Revoke an API token',
      description: 'Revokes a token: it stops working at once.',
      access: { kind: 'role', role: 'admin' },
      parameters: [refTo('parameters', 'TokenId')],
      responses: { 204: { description: 'Revoked.' } },
      errors: { 404: ['No token with this id (`NOT_FOUND`).'] },
    },
    {
      method: 'post',
      path: '/v1/connectors',
      operationId: 'registerConnector',
      tag: 'connectors',
      summary: 'Register a connector',
      description:
        'Registers a connector as `community.active` (default) or `custom.active`. Users subscribed to `connector.registered` are notified.',
      access: { kind: 'role', role: 'contributor' },
      body: {
        schema: 'RegistrationRequest',
        required: true,
        examples: { community: REQUEST_EXAMPLES.RegistrationRequest },
      },
      responses: {
        201: {
          description: 'The registered connector.',
          headers: { Location: refTo('headers', 'Location'), ...etag, ...replayed },
          content: json('Connector'),
        },
      },
      errors: { 409: ['A connector with this id exists (`ALREADY_EXISTS`).'] },
    },
    {
      method: 'get',
      path: '/v1/connectors',
      operationId: 'listConnectors',
      tag: 'connectors',
      summary: 'List connectors',
      description:
        'Lists connectors sorted by id, filtered by support level, status, type and a search string, with cursor pagination.',
      access: { kind: 'role', role: 'reader' },
      parameters: listParameters,
      responses: {
        200: { description: 'One page of connectors.', content: json('ConnectorPage') },
      },
      errors: {
        400: [
          'An invalid query parameter or a cursor not returned by this API (`INVALID_INPUT`, with `errors`).',
        ],
      },
    },
    {
      method: 'get',
      path: '/v1/connectors/{id}',
      operationId: 'getConnector',
      tag: 'connectors',
      summary: 'Get a connector',
      description:
        'The connector, with the events it accepts now (`allowedEvents`). The `ETag` header (`"v<version>"`) can be sent back as `If-Match` on an event, or as `If-None-Match` here.',
      access: { kind: 'role', role: 'reader' },
      parameters: [connector, refTo('parameters', 'IfNoneMatch')],
      responses: {
        200: { description: 'The connector.', headers: etag, content: json('Connector') },
        304: notModified,
      },
      errors: noConnector,
    },
    {
      method: 'post',
      path: '/v1/connectors/{id}/events',
      operationId: 'sendEvent',
      tag: 'connectors',
      summary: 'Send a lifecycle event',
      description:
        'Sends one event to the connector\'s lifecycle machine. 200 with the updated connector; 202 when the event started an acceptance-test gate (CONTRIBUTE, REQUEST_CERTIFICATION, REQUEST_UNARCHIVE): the result arrives later as an internal event, visible in the connector, its history and `acceptance-runs`. `If-Match: "v<version>"` makes the change conditional. The event `type` is checked first (400), then the connector (404) and the caller\'s permission (403), then the payload (400).',
      access: { kind: 'event' },
      parameters: [connector, refTo('parameters', 'IfMatch')],
      body: {
        schema: 'EventRequest',
        required: true,
        examples: REQUEST_EXAMPLES.events,
      },
      responses: {
        200: {
          description: 'The event was accepted; the updated connector.',
          headers: { ...etag, ...replayed },
          content: json('Connector'),
        },
        202: {
          description:
            'The event was accepted and started the acceptance tests; the connector in its testing state.',
          headers: { ...etag, ...replayed },
          content: json('Connector'),
        },
      },
      errors: {
        403: [
          'The caller may not send this event type to this connector (`FORBIDDEN`, with `requiredRole`).',
        ],
        404: ['No connector with this id (`NOT_FOUND`).'],
        409: [
          'The event is not allowed in the current state (`EVENT_NOT_ALLOWED`, with `state` and `allowedEvents`).',
          'Another change to the connector was committed first (`CONCURRENT_CHANGE`); read it again and retry.',
        ],
        412: [
          '`If-Match` does not name the current `ETag`, or is malformed (`PRECONDITION_FAILED`, with `currentVersion`).',
        ],
        422: [
          'A policy blocked the event; `code` names the rule (`NOTICE_TOO_SHORT`, `NOTICE_INVALID`, `INVALID_VERSION`, `VERSION_NOT_GREATER`, `INVALID_CDK_VERSION`, `CDK_OUTDATED`, `INVALID_DEADLINE`, `UPGRADE_WINDOW_TOO_SHORT`), with `state` and the figures of the rule.',
        ],
      },
    },
    {
      method: 'get',
      path: '/v1/connectors/{id}/history',
      operationId: 'getConnectorHistory',
      tag: 'connectors',
      summary: "A connector's history",
      description:
        'Every accepted event (API and internal: acceptance results, `ARCHIVE_DUE`), oldest first, with the transition it made.',
      access: { kind: 'role', role: 'reader' },
      parameters: [connector],
      responses: { 200: { description: 'The history.', content: json('HistoryList') } },
      errors: noConnector,
    },
    {
      method: 'get',
      path: '/v1/connectors/{id}/acceptance-runs',
      operationId: 'listAcceptanceRuns',
      tag: 'connectors',
      summary: "A connector's acceptance-test runs",
      description:
        'The acceptance-test runs of the connector with their status, test counts, exit code and the tail of their output.',
      access: { kind: 'role', role: 'reader' },
      parameters: [connector],
      responses: {
        200: { description: 'The runs.', content: json('AcceptanceRunList') },
      },
      errors: noConnector,
    },
    {
      method: 'post',
      path: '/v1/usage',
      operationId: 'reportUsage',
      tag: 'archival',
      summary: 'Report connector usage',
      description: `Upserts usage per connector and UTC day (idempotent: the same connector and day replaces the earlier figures). Up to ${MAX_USAGE_ENTRIES} entries per request; entries are checked one by one, and the bad ones (invalid, in the future, unknown connector) are reported without refusing the others. The automated archival sweep reads this usage.`,
      access: { kind: 'role', role: 'maintainer' },
      body: {
        schema: 'UsageRequest',
        required: true,
        examples: { oneDay: REQUEST_EXAMPLES.UsageRequest },
      },
      bodyLimit: '8 MB',
      responses: {
        200: {
          description: 'The valid entries were stored; the others are listed in `rejected`.',
          headers: replayed,
          content: json('UsageResult'),
        },
      },
    },
    {
      method: 'post',
      path: '/v1/archival-sweeps',
      operationId: 'startArchivalSweep',
      tag: 'archival',
      summary: 'Run the archival sweep now',
      description:
        'Queues the automated archival sweep (which otherwise runs on `LIFECYCLE_ARCHIVAL_CRON`). Candidates (low usage or no release for a long time) are deprecated with a notice; certified ones only get a review suggestion. A dry run changes nothing. The body is optional.',
      access: { kind: 'role', role: 'maintainer' },
      body: {
        schema: 'SweepRequest',
        required: false,
        examples: { dryRun: REQUEST_EXAMPLES.SweepRequest },
      },
      responses: {
        202: {
          description: 'Queued; the report is at `Location`.',
          headers: { Location: refTo('headers', 'Location'), ...replayed },
          content: json('SweepAccepted'),
        },
      },
    },
    {
      method: 'get',
      path: '/v1/archival-sweeps/{id}',
      operationId: 'getArchivalSweep',
      tag: 'archival',
      summary: 'An archival sweep report',
      description:
        'The sweep: its status (`queued`, `running`, `completed`, `failed`), the candidates with their reasons and figures, and what was done. Reports are kept for 90 days.',
      access: { kind: 'role', role: 'maintainer' },
      parameters: [refTo('parameters', 'SweepId')],
      responses: { 200: { description: 'The sweep.', content: json('SweepRecord') } },
      errors: { 404: ['No sweep with this id (`NOT_FOUND`).'] },
    },
    {
      method: 'get',
      path: '/v1/catalog',
      operationId: 'getCatalog',
      tag: 'catalog',
      summary: 'The public catalog',
      description:
        'Every community and certified connector (deprecated ones with their `deprecation`), never custom or archived ones. Reflects an accepted event within a second. Send `If-None-Match` with the last `ETag` to get 304 when nothing changed.',
      access: { kind: 'public' },
      parameters: [refTo('parameters', 'IfNoneMatch')],
      responses: {
        200: { description: 'The catalog.', headers: cached, content: json('CatalogDocument') },
        304: notModified,
      },
    },
    {
      method: 'get',
      path: '/v1/catalog/registry.json',
      operationId: 'getRegistry',
      tag: 'catalog',
      summary: "The catalog in Airbyte's registry format",
      description:
        'The catalog as `{sources, destinations}` with Airbyte registry fields (`sourceDefinitionId`/`destinationDefinitionId`, `releaseStage`, `releases.breakingChanges`, …). Supports `If-None-Match`.',
      access: { kind: 'public' },
      parameters: [refTo('parameters', 'IfNoneMatch')],
      responses: {
        200: { description: 'The registry.', headers: cached, content: json('Registry') },
        304: notModified,
      },
    },
    {
      method: 'post',
      path: '/v1/imports',
      operationId: 'importAirbyteDocuments',
      tag: 'airbyte',
      summary: 'Import Airbyte metadata.yaml files and registries',
      description:
        'Creates a connector for every document whose id is new: `certified.active`, `community.active` (also when `supportLevel` is absent) or `archived.idle`, with an `IMPORT` history entry and no per-connector webhook (the catalog is updated). Compares every other document with the stored connector field by field (`unchanged` or `drift`); with `apply`, a greater `dockerImageTag` is applied as a PUBLISH_RELEASE through the machine. Support-level drift is never applied; a differing `definitionId` is refused, and so is a new connector whose `definitionId` is taken (`DEFINITION_ID_EXISTS`). Importing the same documents again changes nothing.',
      access: { kind: 'role', role: 'admin' },
      body: {
        schema: 'ImportRequest',
        required: true,
        examples: { metadata: REQUEST_EXAMPLES.ImportRequest },
      },
      bodyLimit: '16 MB',
      responses: {
        200: { description: 'The import report.', content: json('ImportReport') },
      },
    },
    {
      method: 'get',
      path: '/v1/connectors/{id}/metadata.yaml',
      operationId: 'getConnectorMetadata',
      tag: 'airbyte',
      summary: "The connector as Airbyte's metadata.yaml",
      description:
        'The connector as an Airbyte `metadata.yaml` that validates against `ConnectorMetadataDefinitionV0`: its fields, the other fields of the document it was imported from, and defaults for the unknown ones (`license` LIFECYCLE_DEFAULT_LICENSE, `githubIssueLabel` the id, `connectorSubtype` `unknown`, `releaseStage` as in registry.json). A custom connector has no `supportLevel`; an archived one names where its source is kept as an `externalDocumentationUrls` entry titled `Archived source`. Importing it again is `unchanged`.',
      access: { kind: 'role', role: 'reader' },
      parameters: [connector, refTo('parameters', 'IfNoneMatch')],
      responses: {
        200: {
          description: 'The metadata.yaml.',
          headers: etag,
          content: { 'application/yaml': { schema: { type: 'string' } } },
        },
        304: notModified,
      },
      errors: noConnector,
    },
    {
      method: 'get',
      path: '/v1/support-levels',
      operationId: 'getSupportLevels',
      tag: 'airbyte',
      summary: 'The support policy of each support level',
      description:
        'Who builds and maintains connectors of each support level, their availability, production readiness and support, after Airbyte\'s "Connector Support Levels" (certified, community, custom) plus archived, or LIFECYCLE_SUPPORT_POLICY_FILE. GET /v1/catalog carries the same list as `supportLevels`.',
      access: { kind: 'public' },
      responses: {
        200: { description: 'The support levels.', content: json('SupportLevelList') },
      },
    },
    {
      method: 'get',
      path: '/v1/machine',
      operationId: 'getMachine',
      tag: 'catalog',
      summary: 'The lifecycle state machine',
      description:
        'The machine definition: states, transitions, guards, the API events and the internal ones, for tools and diagrams.',
      access: { kind: 'public' },
      responses: { 200: { description: 'The machine.', content: json('Machine') } },
    },
    {
      method: 'post',
      path: '/v1/subscriptions',
      operationId: 'createSubscription',
      tag: 'notifications',
      summary: 'Subscribe a webhook',
      description:
        'Creates a webhook subscription owned by the caller. Each matching notification is POSTed to `url` as JSON, signed with `secret` (see the webhook `connectorNotification`), retried with exponential backoff and dead-lettered after the last attempt.',
      access: { kind: 'role', role: 'reader' },
      body: {
        schema: 'SubscriptionRequest',
        required: true,
        examples: { deprecations: REQUEST_EXAMPLES.SubscriptionRequest },
      },
      responses: {
        201: {
          description: 'The subscription (without its secret).',
          headers: { Location: refTo('headers', 'Location'), ...replayed },
          content: json('Subscription'),
        },
      },
    },
    {
      method: 'get',
      path: '/v1/subscriptions',
      operationId: 'listSubscriptions',
      tag: 'notifications',
      summary: 'List your subscriptions',
      description: 'The subscriptions owned by the caller (the token subject).',
      access: { kind: 'role', role: 'reader' },
      responses: { 200: { description: 'The subscriptions.', content: json('SubscriptionList') } },
    },
    {
      method: 'get',
      path: '/v1/subscriptions/{id}',
      operationId: 'getSubscription',
      tag: 'notifications',
      summary: 'Get a subscription',
      description: 'One subscription (without its secret).',
      access: { kind: 'owner' },
      parameters: [subscription],
      responses: { 200: { description: 'The subscription.', content: json('Subscription') } },
      errors: ownerErrors,
    },
    {
      method: 'delete',
      path: '/v1/subscriptions/{id}',
      operationId: 'deleteSubscription',
      tag: 'notifications',
      summary: 'Delete a subscription',
      description: 'Removes the subscription; no further deliveries are attempted.',
      access: { kind: 'owner' },
      parameters: [subscription],
      responses: { 204: { description: 'Deleted.' } },
      errors: ownerErrors,
    },
    {
      method: 'get',
      path: '/v1/subscriptions/{id}/deliveries',
      operationId: 'listDeliveries',
      tag: 'notifications',
      summary: "A subscription's delivery attempts",
      description:
        'Every delivery attempt with its outcome (`delivered`, `retrying`, `dead_lettered`), HTTP status or error, and next retry time.',
      access: { kind: 'owner' },
      parameters: [subscription],
      responses: { 200: { description: 'The attempts.', content: json('DeliveryAttemptList') } },
      errors: ownerErrors,
    },
    {
      method: 'get',
      path: '/healthz',
      operationId: 'healthz',
      tag: 'operations',
      summary: 'Liveness',
      description: 'The process is up (it does not check Redis).',
      access: { kind: 'public' },
      responses: { 200: { description: 'Alive.', content: json('Health') } },
    },
    {
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      tag: 'operations',
      summary: 'Readiness',
      description:
        'Redis and the queues are reachable (each check times out after 2 s); includes queue depths and the outbox backlog.',
      access: { kind: 'public' },
      responses: {
        200: { description: 'Ready.', content: json('Readiness') },
        503: {
          description: 'Redis or the queues are unreachable (`NOT_READY`).',
          content: problemContent,
        },
      },
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      tag: 'operations',
      summary: 'Prometheus metrics',
      description:
        "This process's metrics in the Prometheus text exposition format (each API and worker process exposes its own).",
      access: { kind: 'public' },
      responses: {
        200: {
          description: 'The metrics.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      tag: 'operations',
      summary: 'This API description',
      description: 'The OpenAPI 3.1 document of this API.',
      access: { kind: 'public' },
      responses: {
        200: {
          description: 'The OpenAPI document.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
    {
      method: 'get',
      path: '/docs',
      operationId: 'docs',
      tag: 'operations',
      summary: 'API reference (HTML)',
      description: 'This reference as a self-contained HTML page.',
      access: { kind: 'public' },
      responses: {
        200: {
          description: 'The reference page.',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The document

function sharedParameters(components: JsonObject): JsonObject {
  return {
    ConnectorId: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'The connector id.',
      schema: inputSchema(connectorId, components),
    },
    TokenId: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'The token id (the `id` returned when it was created, not the token).',
      schema: { type: 'string', format: 'uuid' },
    },
    SubscriptionId: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'The subscription id.',
      schema: { type: 'string', format: 'uuid' },
    },
    SweepId: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'The sweep id (from the `Location` of POST /v1/archival-sweeps).',
      schema: { type: 'string', format: 'uuid' },
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the POST safe to retry: for 24 h, the same caller, key and body get the first response again (with `Idempotent-Replayed: true`) without doing the work twice. A 5xx is not kept.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
    },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        'Apply the event only if the connector is still at this version (its `ETag`); 412 otherwise.',
      schema: { type: 'string', pattern: '^(W/)?"v[0-9]+"$' },
      example: '"v3"',
    },
    IfNoneMatch: {
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'An `ETag` (or a list of them, or `*`): 304 without a body when it is current.',
      schema: { type: 'string' },
    },
  };
}

const HEADERS: JsonObject = {
  ETag: {
    description: 'The version of the representation (`"v<version>"` for a connector).',
    schema: { type: 'string' },
  },
  Location: { description: 'The URL of the created resource.', schema: { type: 'string' } },
  CacheControl: { description: 'Caching rules for the response.', schema: { type: 'string' } },
  RetryAfter: {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 1 },
  },
  RateLimitLimit: {
    description: 'Requests allowed per minute.',
    schema: { type: 'integer' },
  },
  RateLimitRemaining: {
    description: 'Requests left in the current minute.',
    schema: { type: 'integer' },
  },
  RateLimitReset: {
    description: 'Seconds until the current window ends.',
    schema: { type: 'integer' },
  },
  WWWAuthenticate: {
    description: 'The authentication scheme (`Bearer`).',
    schema: { type: 'string' },
  },
  IdempotentReplayed: {
    description:
      '`true` when this response is a replay of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};

const WEBHOOK_HEADERS: [string, string][] = [
  ['X-Lifecycle-Event-Id', 'The stable event id (also `id` in the body): drop duplicates by it.'],
  ['X-Lifecycle-Event-Type', 'The notification type (also `type` in the body).'],
  ['X-Lifecycle-Delivery-Id', 'The delivery id (`<eventId>-<subscriptionId>`).'],
  ['X-Lifecycle-Attempt', 'The attempt number, from 1.'],
  [
    'X-Lifecycle-Signature',
    '`sha256=<hex HMAC-SHA256 of the raw body, keyed with the subscription secret>`.',
  ],
];

const DESCRIPTION = [
  'The lifecycle of data connectors — custom, community, certified, archived — as an HTTP API: registration, promotion gated by acceptance tests, deprecation and archival, un-archiving, and a public catalog.',
  '',
  '**Authentication.** `Authorization: Bearer <token>`. Roles: `reader` < `contributor` < `maintainer` < `admin`; `LIFECYCLE_ADMIN_TOKEN` is an admin. The catalog, the machine and the routes outside `/v1` are public.',
  '',
  '**Errors** are `application/problem+json` (RFC 9457) with a stable `code`, the `instance` path and the `requestId`.',
  '',
  '**Requests.** Bodies are JSON (1 MB; 8 MB for `/v1/usage`, 16 MB for `/v1/imports`); unknown fields are refused. Every POST accepts an `Idempotency-Key`. Every `/v1` request counts towards a per-token (or per-address) limit of `LIFECYCLE_RATE_LIMIT_PER_MINUTE` requests a minute, reported in `RateLimit-*` headers. Every response carries an `X-Request-Id` (yours, when you send a valid one).',
  '',
  '**Notifications** are webhooks (see `webhooks`). The queue dashboard is at `/admin/queues` (admin only).',
].join('\n');

let cached: string | undefined;

/**
 * The OpenAPI 3.1 document of the API: plain JSON, a new copy on every call (safe to mutate). It is
 * generated once per process (a few tens of milliseconds) and copied from then on.
 */
export function buildOpenApiDocument(
  options: { serverUrl?: string } = {},
): Record<string, unknown> {
  cached ??= JSON.stringify(generate());
  const document = JSON.parse(cached) as JsonObject;
  document.servers = [{ url: options.serverUrl ?? '/' }];
  return document;
}

function generate(): JsonObject {
  const schemas: JsonObject = {};
  responseSchemas(schemas);
  requestSchemas(schemas);
  const parameters = sharedParameters(schemas);
  const listParameters = listQueryParameters(schemas);

  const paths: JsonObject = {};
  for (const op of operations(listParameters)) {
    const existing = paths[op.path];
    const item: JsonObject = isObject(existing) ? existing : {};
    item[op.method] = buildOperation(op);
    paths[op.path] = item;
  }

  const webhook: JsonObject = {
    summary: 'A lifecycle notification',
    description: `POSTed to every subscription whose \`events\` and \`connectorIds\` match. Any 2xx acknowledges it; anything else (or no answer within \`LIFECYCLE_WEBHOOK_TIMEOUT_MS\`) is retried with exponential backoff, up to \`LIFECYCLE_WEBHOOK_MAX_ATTEMPTS\` attempts. Deliveries are at least once. Types: ${NOTIFICATION_TYPES.map((t) => `\`${t}\``).join(', ')}.`,
    parameters: WEBHOOK_HEADERS.map(([name, description]) => ({
      name,
      in: 'header',
      required: true,
      description,
      schema: { type: 'string' },
    })),
    requestBody: { required: true, content: json('WebhookNotification') },
    responses: {
      '2XX': { description: 'Delivered.' },
      default: { description: 'Not delivered; retried until the last attempt.' },
    },
  };

  const document: JsonObject = {
    openapi: '3.1.0',
    info: {
      title: 'connector-lifecycle',
      version: 'v1',
      summary: 'Connector lifecycle: support levels, promotions, archival and the public catalog.',
      description: DESCRIPTION,
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    security: [{ bearerAuth: [] }],
    paths,
    webhooks: { connectorNotification: { post: webhook } },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from POST /v1/tokens, or `LIFECYCLE_ADMIN_TOKEN`.',
        },
      },
      schemas,
      parameters,
      headers: HEADERS,
    },
  };
  return document;
}
