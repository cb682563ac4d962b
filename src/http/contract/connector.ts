import { z } from 'zod';
import { API_EVENT_TYPES } from '../../../machines/connector-events.js';
import {
  CONNECTOR_SUBTYPES,
  CONNECTOR_TYPES,
  DEADLINE_ACTIONS,
  RELEASE_STAGES,
  STATE_NAMES,
  STATUSES,
  SUPPORT_LEVELS,
} from '../../../machines/connector-types.js';
import { calendarDay, orNull, timestamp, url } from './fields.js';

/** A connector as the API returns it (SPEC §4). */

export const Deprecation = z
  .object({
    reason: z.string(),
    deprecatedAt: timestamp,
    archiveAt: timestamp,
    replacement: z.string().optional(),
    automated: z.boolean(),
  })
  .meta({
    id: 'Deprecation',
    description:
      'A deprecation in progress: the connector is archived at `archiveAt` unless it is cancelled. `automated` is true when the archival sweep deprecated it.',
  });
export type Deprecation = z.infer<typeof Deprecation>;

/** Airbyte's scope of a breaking change: the streams it affects. */
export const scopedImpact = z.array(
  z.object({ scopeType: z.literal('stream'), impactedScopes: z.array(z.string()) }),
);

export const BreakingChange = z
  .object({
    message: z.string(),
    upgradeDeadline: timestamp,
    migrationDocumentationUrl: url.optional().meta({
      description: 'Absent when an imported Airbyte document names none.',
    }),
    deadlineAction: z.enum(DEADLINE_ACTIONS).optional().meta({
      description: "Airbyte's action when the deadline is reached.",
    }),
    scopedImpact: scopedImpact
      .optional()
      .meta({ description: 'Only the named streams are affected (Airbyte).' }),
  })
  .meta({
    id: 'BreakingChange',
    description: 'A breaking change, keyed by the version that breaks (as in Airbyte metadata).',
  });
export type BreakingChange = z.infer<typeof BreakingChange>;

export const PendingGate = z
  .object({
    runId: z.string(),
    purpose: z.enum(['contribution', 'certification', 'unarchive']),
    image: z.string(),
    requestedBy: z.string(),
    requestedAt: timestamp,
  })
  .meta({
    id: 'PendingGate',
    description: 'The acceptance-test run gating the current transition.',
  });
export type PendingGate = z.infer<typeof PendingGate>;

export const UnarchiveRequest = z
  .object({
    requester: z.string(),
    justification: z.string(),
    dockerImageTag: z.string(),
    cdkVersion: z.string(),
    requestedAt: timestamp,
    runId: z.string(),
    outcome: z.enum(['pending', 'ready', 'approved', 'rejected']),
    reason: z.string().optional(),
    spec: z.record(z.string(), z.unknown()).optional().meta({
      description: "The spec the passing acceptance run left; becomes the connector's on approval.",
    }),
  })
  .meta({
    id: 'UnarchiveRequest',
    description:
      'The latest request to un-archive the connector: pending → ready (tests passed) → approved | rejected.',
  });
export type UnarchiveRequest = z.infer<typeof UnarchiveRequest>;

export const ArchiveInfo = z
  .object({ archivedAt: timestamp, reason: z.string(), sourceUrl: url })
  .meta({
    id: 'ArchiveInfo',
    description: "Where an archived connector's source is kept (SPEC §11).",
  });
export type ArchiveInfo = z.infer<typeof ArchiveInfo>;

/** The optional Airbyte fields (SPEC §11): null (tags: empty) when unknown. */
export const airbyteFields = {
  documentationUrl: orNull(url),
  releaseStage: orNull(z.enum(RELEASE_STAGES)),
  connectorSubtype: orNull(z.enum(CONNECTOR_SUBTYPES)),
  license: orNull(z.string()),
  githubIssueLabel: orNull(z.string()),
  tags: z.array(z.string()),
  iconUrl: orNull(z.string()),
  releaseDate: orNull(calendarDay),
  spec: orNull(z.record(z.string(), z.unknown())).meta({
    description: 'The connector specification object.',
  }),
  airbyte: orNull(z.record(z.string(), z.unknown())).meta({
    description:
      'The other fields of an imported Airbyte document, kept verbatim so that an export gives them back.',
  }),
};

export const Connector = z
  .object({
    id: z.string(),
    definitionId: z.string(),
    name: z.string(),
    type: z.enum(CONNECTOR_TYPES),
    language: orNull(z.string()).meta({
      description: 'null when an imported document does not name it.',
    }),
    dockerRepository: z.string(),
    dockerImageTag: z.string(),
    cdkVersion: orNull(z.string()).meta({
      description: 'null for an imported connector whose CDK is unknown.',
    }),
    maintainers: z.array(z.string()),
    supportLevel: z.enum(SUPPORT_LEVELS),
    status: z.enum(STATUSES),
    state: z.enum(STATE_NAMES),
    version: z.number().int().min(1),
    allowedEvents: z.array(z.enum(API_EVENT_TYPES)),
    deprecation: orNull(Deprecation),
    archive: orNull(ArchiveInfo),
    breakingChanges: z.record(z.string(), BreakingChange),
    ...airbyteFields,
    acceptanceRun: orNull(PendingGate),
    unarchiveRequest: orNull(UnarchiveRequest),
    lastReleaseAt: timestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({
    id: 'Connector',
    description:
      'A connector with its lifecycle state. `version` grows by one with every accepted event; the `ETag` header is `"v<version>"`.',
  });
export type Connector = z.infer<typeof Connector>;

export const ConnectorPage = z
  .object({ items: z.array(Connector), nextCursor: orNull(z.string()) })
  .meta({
    id: 'ConnectorPage',
    description:
      'One page of connectors, sorted by id. Pass `nextCursor` back as `cursor` for the next page; `null` on the last page.',
  });
export type ConnectorPage = z.infer<typeof ConnectorPage>;
