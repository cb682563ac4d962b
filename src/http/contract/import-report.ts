import { z } from 'zod';
import { importBody } from '../../airbyte/import-body.js';
import { describeFields } from './describe-fields.js';

/** The answer of POST /v1/imports (SPEC §11). */

export const ImportDriftField = z
  .object({
    field: z
      .string()
      .meta({ description: 'A connector field: `dockerImageTag`, `supportLevel`, …' }),
    current: z.unknown().meta({ description: 'The stored value.' }),
    imported: z.unknown().meta({ description: "The imported document's value." }),
  })
  .meta({ id: 'ImportDriftField', description: 'A field whose imported value differs.' });

export const ImportRefusal = z
  .object({
    index: z.number().int().min(0).meta({
      description:
        "The 0-based position in `metadata`, or in the registry's `sources` followed by its `destinations`.",
    }),
    connectorId: z.string().optional(),
    code: z.string().meta({
      description:
        'Why: `AIRBYTE_SCHEMA_INVALID`, `DEFINITION_ID_EXISTS`, `DEFINITION_ID_MISMATCH`, `DOCKER_REPOSITORY_NOT_ALLOWED`, …',
    }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .meta({ id: 'ImportRefusal', description: 'A document that was not imported, with its paths.' });

export const ImportReport = z
  .object({
    dryRun: z.boolean(),
    created: z.array(z.string()),
    unchanged: z.array(z.string()),
    drift: z.array(z.object({ connectorId: z.string(), fields: z.array(ImportDriftField) })),
    applied: z.array(z.string()),
    refused: z.array(ImportRefusal),
  })
  .meta({
    id: 'ImportReport',
    description:
      'What the import did (or, with `dryRun`, would do): connectors created, unchanged, drifting (field by field), applied (a greater `dockerImageTag` published through the machine), and refused documents.',
  });
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportRequest = describeFields(importBody, {
  metadata: 'Airbyte `metadata.yaml` documents, as text (YAML or JSON).',
  registry:
    'An Airbyte registry (`ConnectorRegistryV0`): its `sources` then its `destinations` are imported.',
  maintainers: 'Subjects who maintain the connectors created by this import (default: the caller).',
  dryRun: 'Report what would happen; change nothing.',
  apply:
    'Apply drift through the machine: a greater `dockerImageTag` is published as PUBLISH_RELEASE. Support-level drift is only reported.',
}).meta({ id: 'ImportRequest' });
export type ImportRequest = z.input<typeof ImportRequest>;
