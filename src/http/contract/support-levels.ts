import { z } from 'zod';
import { SUPPORT_LEVELS } from '../../../machines/connector-types.js';

/** GET /v1/support-levels (SPEC §11). */

export const SupportLevelPolicy = z
  .object({
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
  })
  .meta({
    id: 'SupportLevelPolicy',
    description:
      "The support policy of a support level (after Airbyte's “Connector Support Levels” table, or LIFECYCLE_SUPPORT_POLICY_FILE).",
  });
export type SupportLevelPolicy = z.infer<typeof SupportLevelPolicy>;

export const SupportLevelList = z
  .object({ items: z.array(SupportLevelPolicy) })
  .meta({ id: 'SupportLevelList', description: 'The support policy of each support level.' });
export type SupportLevelList = z.infer<typeof SupportLevelList>;
