import { z } from 'zod';
import {
  MAX_USAGE_ENTRIES,
  listConnectorsQuery,
  registrationBody,
  subscriptionBody,
  sweepBody,
  tokenBody,
  usageBody,
  usageEntry,
} from '../schemas.js';
import { describeFields } from './describe-fields.js';
import { EVENT_EXAMPLES } from './event-requests.js';
import type { ImportRequest } from './import-report.js';

/**
 * The request schemas of ../schemas.ts (the ones that validate), named and described for the API
 * reference. The `z.input` types are what a client sends.
 */

export const TokenRequest = tokenBody.meta({ id: 'TokenRequest' });
export type TokenRequest = z.input<typeof TokenRequest>;

export const RegistrationRequest = describeFields(registrationBody, {
  id: 'Must start with the connector type: `source-…` or `destination-…`.',
  definitionId: "Airbyte's definition id; generated when absent.",
  supportLevel: '`community` (listed in the catalog) or `custom` (private to its owner).',
  maintainers: 'Subjects (token subjects) who maintain the connector.',
}).meta({ id: 'RegistrationRequest' });
export type RegistrationRequest = z.input<typeof RegistrationRequest>;

export const SubscriptionRequest = describeFields(subscriptionBody, {
  url: 'An http(s) URL that receives a POST per notification.',
  secret: 'Signs every delivery (`X-Lifecycle-Signature`); never returned.',
  events: 'Only these notification types; every type when absent.',
  connectorIds: 'Only these connectors; every connector when absent.',
}).meta({ id: 'SubscriptionRequest' });
export type SubscriptionRequest = z.input<typeof SubscriptionRequest>;

export const UsageEntry = describeFields(usageEntry, {
  date: 'A UTC calendar day, at most one day after today (UTC).',
  activeConnections: 'Active connections on that day.',
}).meta({ id: 'UsageEntry' });
export type UsageEntry = z.input<typeof UsageEntry>;

/** The usage body as documented: its entries are checked one by one, each against UsageEntry. */
export const UsageRequest = usageBody
  .safeExtend({
    entries: z
      .array(UsageEntry)
      .min(1)
      .max(MAX_USAGE_ENTRIES)
      .meta({
        description: `At most ${MAX_USAGE_ENTRIES} entries. Each is checked on its own: a bad one is reported in \`rejected\` and the others are stored. An entry for the same connector and day replaces the earlier one.`,
      }),
  })
  .meta({ id: 'UsageRequest' });
export type UsageRequest = z.input<typeof UsageRequest>;

export const SweepRequest = describeFields(sweepBody, {
  dryRun: 'Report the candidates without changing anything.',
}).meta({ id: 'SweepRequest' });
export type SweepRequest = z.input<typeof SweepRequest>;

const QUERY_DESCRIPTIONS: Record<keyof typeof listConnectorsQuery.shape, string> = {
  supportLevel: 'Only connectors with this support level.',
  status: 'Only connectors with this status.',
  type: 'Only sources or only destinations.',
  q: 'Case-insensitive substring of the id, name or Docker repository.',
  limit: 'Page size.',
  cursor: 'The `nextCursor` of the previous page.',
};
/** The query of GET /v1/connectors, each parameter described. */
export const ListConnectorsQuery = z.object(
  Object.fromEntries(
    Object.entries(listConnectorsQuery.shape).map(([name, schema]) => [
      name,
      (schema as z.ZodType).meta({
        param: { description: QUERY_DESCRIPTIONS[name as keyof typeof QUERY_DESCRIPTIONS] },
      }),
    ]),
  ) as typeof listConnectorsQuery.shape,
);
export type ListConnectorsQuery = z.input<typeof listConnectorsQuery>;

/** Valid example bodies, by request schema name (checked against the schemas by the tests). */
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
      [
        'data:',
        '  connectorType: source',
        '  definitionId: dfd88b22-b603-4c3d-aad7-3701784586b1',
        '  dockerRepository: airbyte/source-faker',
        '  dockerImageTag: 6.2.0',
        '  name: Sample Data (Faker)',
        '  license: MIT',
        '  documentationUrl: https://docs.airbyte.com/integrations/sources/faker',
        '  githubIssueLabel: source-faker',
        '  connectorSubtype: api',
        '  releaseStage: beta',
        '  supportLevel: community',
        '  tags:',
        '    - language:python',
        'metadataSpecVersion: "1.0"',
        '',
      ].join('\n'),
    ],
    dryRun: true,
  },
  events: EVENT_EXAMPLES,
} satisfies {
  TokenRequest: TokenRequest;
  RegistrationRequest: RegistrationRequest;
  SubscriptionRequest: SubscriptionRequest;
  UsageRequest: UsageRequest;
  SweepRequest: SweepRequest;
  ImportRequest: ImportRequest;
  events: Record<string, unknown>;
};
