import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SUPPORT_LEVELS } from '../../machines/connector-types.js';

/**
 * The support policy of each support level (SPEC §11), served by GET /v1/support-levels and in the
 * catalog. The defaults follow Airbyte's "Connector Support Levels" table (certified, community,
 * custom), plus archived; LIFECYCLE_SUPPORT_POLICY_FILE replaces them.
 */
const text = z.string().trim().min(1).max(2000);

export const supportLevelPolicy = z.strictObject({
  supportLevel: z.enum(SUPPORT_LEVELS),
  availability: text,
  whoBuilds: text,
  whoMaintains: text,
  productionReadiness: text,
  support: z.strictObject({
    cloud: text,
    poweredByAirbyte: text,
    selfManagedEnterprise: text,
    communityOss: text,
  }),
  notes: z.string().trim().max(4000),
});
export type SupportLevelPolicy = z.infer<typeof supportLevelPolicy>;

/** The file: `{items: [...]}` or the array itself; each support level at most once. */
const policyFile = z
  .preprocess(
    (value) => (Array.isArray(value) ? { items: value } : value),
    z.strictObject({
      items: z
        .array(supportLevelPolicy)
        .min(1, 'must name at least one support level')
        .refine(
          (items) => new Set(items.map((i) => i.supportLevel)).size === items.length,
          'names a support level more than once',
        ),
    }),
  )
  .transform((value) => value.items);

/** The same support on Airbyte's three paid offerings (Cloud, Powered by, Self-Managed), and on OSS. */
function supportOf(paid: string, communityOss: string): SupportLevelPolicy['support'] {
  return { cloud: paid, poweredByAirbyte: paid, selfManagedEnterprise: paid, communityOss };
}

export const DEFAULT_SUPPORT_LEVELS: SupportLevelPolicy[] = [
  {
    supportLevel: 'certified',
    availability: 'All users',
    whoBuilds: 'The community or the platform team',
    whoMaintains: 'The platform team',
    productionReadiness: 'Guaranteed',
    support: supportOf('Supported, with SLAs under premium support', 'Slack only'),
    notes:
      'Listed in the public catalog. Breaking changes come only with an upgrade window; a certified connector is deprecated with a notice period before it can be archived.',
  },
  {
    supportLevel: 'community',
    availability: 'All users',
    whoBuilds: 'Typically the community; the platform team may upgrade it to certified at any time',
    whoMaintains: 'Users',
    productionReadiness: 'Not guaranteed',
    support: supportOf('None', 'None'),
    notes:
      'Listed in the public catalog, with no support promise: it may break with short notice. Promoted to certified when it passes the acceptance tests; archived automatically when it is barely used or no longer maintained, after a notice period.',
  },
  {
    supportLevel: 'custom',
    availability: 'All users',
    whoBuilds: 'Anyone, with the connector builder or the low-code CDK recommended',
    whoMaintains: 'Users',
    productionReadiness: 'Not guaranteed',
    support: supportOf(
      'Supported, best effort; maintenance is owned by the customer',
      'Slack only',
    ),
    notes:
      'Private to its owner: not listed in the public catalog. Contributed to the community catalog when it passes the acceptance tests.',
  },
  {
    supportLevel: 'archived',
    availability: 'Nobody: removed from the catalog',
    whoBuilds: 'Nobody: no new releases are published',
    whoMaintains: 'Nobody',
    productionReadiness: 'Not guaranteed',
    support: supportOf('None', 'None'),
    notes:
      'Out of the catalog; its source is kept (see the connector’s archive.sourceUrl). Anyone can revive it: they take over its maintenance, move it to the current CDK and it must pass the acceptance tests; then the platform team approves or rejects.',
  },
];

/** Reads and validates LIFECYCLE_SUPPORT_POLICY_FILE; throws with every problem named. */
export function loadSupportPolicyFile(path: string): SupportLevelPolicy[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the file: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  const result = policyFile.safeParse(parsed);
  if (result.success) return result.data;
  throw new Error(
    result.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`)
      .join('; '),
  );
}
