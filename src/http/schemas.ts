import { z } from 'zod';
import { API_EVENT_TYPES } from '../../machines/connector-events.js';
import { CONNECTOR_TYPES, STATUSES, SUPPORT_LEVELS } from '../../machines/connector-types.js';
import { normalizeDeadline } from '../../machines/time.js';
import { ROLES } from '../auth/roles.js';
import { NOTIFICATION_TYPES } from '../../machines/notification-types.js';
import { airbyteFieldShape, breakingChangeAirbyteShape } from '../airbyte/airbyte-field-schemas.js';

/** Request schemas: every input is validated here, at the boundary; the inside trusts its types. */

export const CONNECTOR_ID_PATTERN = /^(source|destination)-[a-z0-9][a-z0-9-]*$/;
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const text = (max: number) => z.string().trim().min(1).max(max);
export const subject = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@+:-]*$/, 'letters, digits and . _ @ + : - only');
export const connectorId = z
  .string()
  .max(200)
  .regex(CONNECTOR_ID_PATTERN, 'must match ^(source|destination)-[a-z0-9][a-z0-9-]*$');
const semverTag = z
  .string()
  .max(128)
  .regex(SEMVER_PATTERN, 'must be a semantic version (e.g. 1.2.3)');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);
const deadline = z
  .string()
  .max(64)
  .refine(
    (v) => normalizeDeadline(v) !== null,
    'must be a date (YYYY-MM-DD) or an ISO 8601 timestamp',
  );

export const registrationBody = z
  .strictObject({
    id: connectorId,
    name: text(200),
    type: z.enum(CONNECTOR_TYPES),
    language: z
      .string()
      .max(50)
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -'),
    dockerRepository: z
      .string()
      .max(255)
      .regex(
        /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
        'a Docker repository name',
      ),
    dockerImageTag: semverTag,
    cdkVersion: text(64),
    maintainers: z.array(subject).min(1).max(100),
    definitionId: z.uuid().optional(),
    supportLevel: z.enum(['community', 'custom']).default('community'),
    ...airbyteFieldShape,
  })
  .refine((b) => b.id.startsWith(`${b.type}-`), {
    path: ['id'],
    message: 'must start with the connector type ("source-" or "destination-")',
  });

const reason = text(2000);
export const eventBodies = {
  CONTRIBUTE: z.strictObject({ type: z.literal('CONTRIBUTE') }),
  REQUEST_CERTIFICATION: z.strictObject({ type: z.literal('REQUEST_CERTIFICATION') }),
  DEMOTE: z.strictObject({ type: z.literal('DEMOTE'), reason }),
  DEPRECATE: z.strictObject({
    type: z.literal('DEPRECATE'),
    reason,
    noticeDays: z.number().finite().min(0).max(3650).optional(),
    replacement: connectorId.optional(),
  }),
  CANCEL_DEPRECATION: z.strictObject({
    type: z.literal('CANCEL_DEPRECATION'),
    reason: reason.optional(),
  }),
  ARCHIVE: z.strictObject({ type: z.literal('ARCHIVE'), reason }),
  PUBLISH_RELEASE: z.strictObject({
    type: z.literal('PUBLISH_RELEASE'),
    dockerImageTag: text(128),
    cdkVersion: text(64).optional(),
    breakingChange: z
      .strictObject({
        message: text(5000),
        upgradeDeadline: deadline,
        migrationDocumentationUrl: httpUrl,
        ...breakingChangeAirbyteShape,
      })
      .optional(),
    ...airbyteFieldShape,
  }),
  REQUEST_UNARCHIVE: z.strictObject({
    type: z.literal('REQUEST_UNARCHIVE'),
    justification: text(5000),
    dockerImageTag: text(128),
    cdkVersion: text(64),
  }),
  APPROVE_UNARCHIVE: z.strictObject({
    type: z.literal('APPROVE_UNARCHIVE'),
    reason: reason.optional(),
  }),
  REJECT_UNARCHIVE: z.strictObject({ type: z.literal('REJECT_UNARCHIVE'), reason }),
} as const satisfies Record<(typeof API_EVENT_TYPES)[number], z.ZodType>;

export const eventBody = z.discriminatedUnion('type', [
  eventBodies.CONTRIBUTE,
  eventBodies.REQUEST_CERTIFICATION,
  eventBodies.DEMOTE,
  eventBodies.DEPRECATE,
  eventBodies.CANCEL_DEPRECATION,
  eventBodies.ARCHIVE,
  eventBodies.PUBLISH_RELEASE,
  eventBodies.REQUEST_UNARCHIVE,
  eventBodies.APPROVE_UNARCHIVE,
  eventBodies.REJECT_UNARCHIVE,
]);
export const eventType = z.object({ type: z.enum(API_EVENT_TYPES) });

export const listConnectorsQuery = z.object({
  supportLevel: z.enum(SUPPORT_LEVELS).optional(),
  status: z.enum(STATUSES).optional(),
  type: z.enum(CONNECTOR_TYPES).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(400).optional(),
});

export const tokenBody = z.strictObject({ subject, role: z.enum(ROLES) });

export const subscriptionBody = z.strictObject({
  url: httpUrl,
  secret: z.string().min(1).max(512),
  events: z.array(z.enum(NOTIFICATION_TYPES)).min(1).max(NOTIFICATION_TYPES.length).optional(),
  connectorIds: z.array(connectorId).min(1).max(1000).optional(),
});

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC date YYYY-MM-DD')
  .refine((d) => normalizeDeadline(d) !== null, 'is not a calendar date');

/** One usage entry; a bad one is reported on its own and the others are still stored. */
export const usageEntry = z.strictObject({
  connectorId,
  date: calendarDate,
  activeConnections: z.number().int().min(0).max(1e9),
  syncs: z.number().int().min(0).max(1e9),
});

export const MAX_USAGE_ENTRIES = 10_000;
export const usageBody = z.strictObject({
  entries: z.array(z.unknown()).min(1).max(MAX_USAGE_ENTRIES),
});

export const sweepBody = z.strictObject({ dryRun: z.boolean().default(false) });
export const listSweepsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
