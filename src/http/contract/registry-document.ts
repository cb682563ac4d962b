import { z } from 'zod';
import { LISTED_SUPPORT_LEVELS } from './catalog-document.js';
import { Deprecation } from './connector.js';
import { calendarDay, url } from './fields.js';

/** The catalog in Airbyte's registry format (SPEC §4, §11). */

export const RegistryBreakingChange = z
  .object({
    message: z.string(),
    upgradeDeadline: calendarDay,
    migrationDocumentationUrl: url,
  })
  .meta({
    id: 'RegistryBreakingChange',
    description: 'A breaking change as Airbyte writes it: the deadline is a date.',
  });

const registryFields = {
  name: z.string(),
  dockerRepository: z.string(),
  dockerImageTag: z.string(),
  supportLevel: z.enum(LISTED_SUPPORT_LEVELS),
  releaseStage: z.enum(['generally_available', 'alpha']),
  language: z.string(),
  tombstone: z.boolean(),
  public: z.boolean(),
  custom: z.boolean(),
  deprecation: Deprecation.optional(),
  releases: z.object({ breakingChanges: z.record(z.string(), RegistryBreakingChange) }),
};

export const RegistrySource = z
  .object({ sourceDefinitionId: z.string(), ...registryFields })
  .meta({ id: 'RegistrySource', description: 'A source in the registry format.' });
export type RegistrySource = z.infer<typeof RegistrySource>;

export const RegistryDestination = z
  .object({ destinationDefinitionId: z.string(), ...registryFields })
  .meta({ id: 'RegistryDestination', description: 'A destination in the registry format.' });
export type RegistryDestination = z.infer<typeof RegistryDestination>;

export const RegistryDocument = z
  .object({ sources: z.array(RegistrySource), destinations: z.array(RegistryDestination) })
  .meta({ id: 'Registry', description: "The catalog in Airbyte's registry format." });
export type RegistryDocument = z.infer<typeof RegistryDocument>;
