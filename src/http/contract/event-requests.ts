import { z } from 'zod';
import {
  API_EVENT_TYPES,
  EVENT_PERMISSIONS,
  type ApiEventType,
} from '../../../machines/connector-events.js';
import { eventBodies } from '../schemas.js';
import { describeFields } from './describe-fields.js';

/** The body of POST /v1/connectors/:id/events: one schema per event type (SPEC §4). */

const EVENT_DOCS: Record<ApiEventType, { summary: string; example: Record<string, unknown> }> = {
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

/** A valid example body per event type (checked against the schemas by the tests). */
export const EVENT_EXAMPLES = Object.fromEntries(
  API_EVENT_TYPES.map((t) => [t, EVENT_DOCS[t].example]),
) as Record<ApiEventType, Record<string, unknown>>;

function whoMaySend(type: ApiEventType): string {
  const permission = EVENT_PERMISSIONS[type];
  return permission.kind === 'maintainerOrRole'
    ? `a subject listed in the connector's \`maintainers\`, or a token with the ${permission.role} role or higher`
    : `a token with the ${permission.role} role or higher`;
}

/** `PUBLISH_RELEASE` → `PublishReleaseEvent`. */
export function eventSchemaName(type: ApiEventType): string {
  const pascal = type
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `${pascal}Event`;
}

function documented<T extends ApiEventType>(type: T) {
  return eventBodies[type].meta({
    id: eventSchemaName(type),
    description: `${EVENT_DOCS[type].summary} Who may send it: ${whoMaySend(type)}.`,
  });
}

const publishRelease = eventBodies.PUBLISH_RELEASE;
const breakingChange = publishRelease.shape.breakingChange.unwrap();

/** The event request: `type` selects the payload (a oneOf with a discriminator on `type`). */
export const EventRequest = z
  .discriminatedUnion('type', [
    documented('CONTRIBUTE'),
    documented('REQUEST_CERTIFICATION'),
    documented('DEMOTE'),
    documented('DEPRECATE'),
    documented('CANCEL_DEPRECATION'),
    documented('ARCHIVE'),
    publishRelease
      .safeExtend({
        breakingChange: describeFields(breakingChange, {
          upgradeDeadline:
            'A date (YYYY-MM-DD, meaning 00:00 UTC) or an ISO 8601 timestamp; by then users must have upgraded.',
        }).optional(),
      })
      .meta({
        id: eventSchemaName('PUBLISH_RELEASE'),
        description: `${EVENT_DOCS.PUBLISH_RELEASE.summary} Who may send it: ${whoMaySend('PUBLISH_RELEASE')}.`,
      }),
    documented('REQUEST_UNARCHIVE'),
    documented('APPROVE_UNARCHIVE'),
    documented('REJECT_UNARCHIVE'),
  ])
  .meta({
    id: 'EventRequest',
    description:
      'One lifecycle event: `type` selects the payload. Unknown fields are refused (400). The events that the connector accepts now are in its `allowedEvents`.',
  });
export type EventRequest = z.input<typeof EventRequest>;
