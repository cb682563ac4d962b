import { z } from 'zod';
import {
  CONNECTOR_SUBTYPES,
  DEADLINE_ACTIONS,
  RELEASE_STAGES,
} from '../../../machines/connector-types.js';
import { LISTED_SUPPORT_LEVELS } from './catalog-document.js';
import { Deprecation, scopedImpact } from './connector.js';
import { calendarDay, url } from './fields.js';

/**
 * The catalog in Airbyte's registry format (SPEC §4, §11): `ConnectorRegistryV0`. An entry may also
 * carry, verbatim, the other fields of the Airbyte document it was imported from.
 */

export const RegistryBreakingChange = z
  .object({
    message: z.string(),
    upgradeDeadline: calendarDay,
    migrationDocumentationUrl: url.optional(),
    deadlineAction: z.enum(DEADLINE_ACTIONS).optional(),
    scopedImpact: scopedImpact.optional(),
  })
  .meta({
    id: 'RegistryBreakingChange',
    description: 'A breaking change as Airbyte writes it: the deadline is a date.',
  });
export type RegistryBreakingChange = z.infer<typeof RegistryBreakingChange>;

export const RegistryReleases = z
  .object({
    rolloutConfiguration: z.unknown().optional(),
    migrationDocumentationUrl: z.string(),
    breakingChanges: z.record(z.string(), RegistryBreakingChange),
  })
  .meta({
    id: 'RegistryReleases',
    description: 'Present only when the connector has breaking changes (keyed by X.Y.Z).',
  });

export const registryFields = {
  name: z.string(),
  dockerRepository: z.string(),
  dockerImageTag: z.string(),
  documentationUrl: z.string(),
  spec: z.record(z.string(), z.unknown()).meta({ description: '`{}` when none is known.' }),
  tombstone: z.boolean(),
  public: z.boolean(),
  custom: z.boolean(),
  supportLevel: z.enum(LISTED_SUPPORT_LEVELS).optional(),
  releaseStage: z.enum(RELEASE_STAGES),
  license: z.string(),
  githubIssueLabel: z.string(),
  sourceType: z.enum(CONNECTOR_SUBTYPES).optional(),
  tags: z.array(z.string()).optional(),
  iconUrl: z.string().optional(),
  releaseDate: calendarDay.optional(),
  language: z.string().optional(),
  packageInfo: z
    .looseObject({ cdk_version: z.string().meta({ description: '`<language>:<version>`' }) })
    .optional(),
  ab_internal: z.looseObject({ sl: z.number(), ql: z.number() }),
  deprecation: Deprecation.optional(),
  releases: RegistryReleases.optional(),
};

export const RegistrySource = z
  .looseObject({ sourceDefinitionId: z.string(), ...registryFields })
  .meta({ id: 'RegistrySource', description: 'A source in the registry format.' });
export type RegistrySource = z.infer<typeof RegistrySource>;

export const RegistryDestination = z
  .looseObject({ destinationDefinitionId: z.string(), ...registryFields })
  .meta({ id: 'RegistryDestination', description: 'A destination in the registry format.' });
export type RegistryDestination = z.infer<typeof RegistryDestination>;

export const RegistryDocument = z
  .object({ sources: z.array(RegistrySource), destinations: z.array(RegistryDestination) })
  .meta({ id: 'Registry', description: "The catalog in Airbyte's registry format." });
export type RegistryDocument = z.infer<typeof RegistryDocument>;
