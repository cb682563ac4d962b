import { z } from 'zod';
import { CONNECTOR_TYPES, STATUSES } from '../../../machines/connector-types.js';
import { airbyteFields, BreakingChange, Deprecation } from './connector.js';
import { orNull, timestamp } from './fields.js';
import { SupportLevelPolicy } from './support-levels.js';

/** The public catalog (SPEC §6). */

/** The support levels the catalog lists (never custom or archived connectors). */
export const LISTED_SUPPORT_LEVELS = ['community', 'certified'] as const;

export const CatalogEntry = z
  .object({
    id: z.string(),
    definitionId: z.string(),
    name: z.string(),
    type: z.enum(CONNECTOR_TYPES),
    language: orNull(z.string()),
    dockerRepository: z.string(),
    dockerImageTag: z.string(),
    cdkVersion: orNull(z.string()),
    supportLevel: z.enum(LISTED_SUPPORT_LEVELS),
    status: z.enum(STATUSES),
    maintainers: z.array(z.string()),
    deprecation: orNull(Deprecation),
    breakingChanges: z.record(z.string(), BreakingChange),
    ...airbyteFields,
    lastReleaseAt: timestamp.meta({
      description: 'When the current release was published (registration counts as the first).',
    }),
    version: z.number().int(),
    updatedAt: timestamp,
  })
  .meta({ id: 'CatalogEntry', description: 'A connector as listed in the public catalog.' });
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const CatalogDocument = z
  .object({
    catalogVersion: z.number().int(),
    generatedAt: orNull(timestamp),
    connectors: z.array(CatalogEntry),
    supportLevels: z.array(SupportLevelPolicy).meta({
      description: 'The support policy of each level, as GET /v1/support-levels (SPEC §11).',
    }),
  })
  .meta({
    id: 'CatalogDocument',
    description:
      'The public catalog: every community and certified connector (deprecated ones included), never custom or archived ones. `catalogVersion` grows with every change.',
  });
export type CatalogDocument = z.infer<typeof CatalogDocument>;
