import { z } from 'zod';
import {
  CONNECTOR_SUBTYPES,
  DEADLINE_ACTIONS,
  RELEASE_STAGES,
} from '../../machines/connector-types.js';
import { normalizeDeadline } from '../../machines/time.js';
import { airbyteSchemas } from './airbyte-schemas.js';
import { METADATA_OWNED_KEYS } from './metadata-fields.js';

/**
 * The optional Airbyte fields (SPEC §11) as registration and PUBLISH_RELEASE accept them. `airbyte`
 * holds other fields of Airbyte's metadata.yaml `data`, checked with Airbyte's own schema so that
 * every export stays valid.
 */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);
const text = (max: number) => z.string().trim().min(1).max(max);

export const releaseDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => normalizeDeadline(d) !== null, 'is not a calendar date');

/** A placeholder metadata.yaml around the fields under test: only their errors are reported. */
const PLACEHOLDER_DATA = {
  name: 'placeholder',
  definitionId: '00000000-0000-4000-8000-000000000000',
  connectorType: 'source',
  dockerRepository: 'airbyte/source-placeholder',
  dockerImageTag: '0.0.0',
  license: 'MIT',
  documentationUrl: 'https://docs.airbyte.com/integrations/sources/placeholder',
  githubIssueLabel: 'source-placeholder',
  connectorSubtype: 'api',
  releaseStage: 'alpha',
};

export const airbyteRemainder = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const schemas = airbyteSchemas();
  const known: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (METADATA_OWNED_KEYS.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'is a connector field: send it as such, not inside airbyte',
      });
    } else if (!schemas.metadataDataKeys.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: "is not a field of Airbyte's metadata.yaml data",
      });
    } else {
      known[key] = field;
    }
  }
  const errors = schemas.validate('metadata', {
    metadataSpecVersion: '1.0',
    data: { ...PLACEHOLDER_DATA, ...known },
  });
  for (const error of errors) {
    const [root, ...rest] = error.path.split('.');
    if (root !== 'data' || rest.length === 0) continue;
    ctx.addIssue({ code: 'custom', path: rest, message: error.message });
  }
});

export const airbyteFieldShape = {
  documentationUrl: httpUrl.optional(),
  releaseStage: z.enum(RELEASE_STAGES).optional(),
  connectorSubtype: z.enum(CONNECTOR_SUBTYPES).optional(),
  license: text(100).optional(),
  githubIssueLabel: text(200).optional(),
  tags: z.array(text(200)).max(100).optional(),
  iconUrl: httpUrl.optional(),
  releaseDate: releaseDate.optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
  airbyte: airbyteRemainder.optional(),
};

/** Airbyte's extra breaking-change fields. */
export const breakingChangeAirbyteShape = {
  deadlineAction: z.enum(DEADLINE_ACTIONS).optional(),
  scopedImpact: z
    .array(
      z.strictObject({
        scopeType: z.literal('stream'),
        impactedScopes: z.array(text(500)).min(1).max(1000),
      }),
    )
    .min(1)
    .max(100)
    .optional(),
};
