import { z } from 'zod';
import { subject } from '../http/schemas.js';

/** POST /v1/imports (SPEC §11). Each document is checked on its own, after this. */
export const MAX_IMPORT_DOCUMENTS = 5_000;
const MAX_DOCUMENT_CHARS = 1_000_000;

export const importBody = z
  .strictObject({
    metadata: z
      .array(z.string().min(1).max(MAX_DOCUMENT_CHARS))
      .max(MAX_IMPORT_DOCUMENTS)
      .optional(),
    registry: z
      .looseObject({
        sources: z.array(z.unknown()).max(MAX_IMPORT_DOCUMENTS),
        destinations: z.array(z.unknown()).max(MAX_IMPORT_DOCUMENTS),
      })
      .optional(),
    maintainers: z.array(subject).min(1).max(100).optional(),
    dryRun: z.boolean().default(false),
    apply: z.boolean().default(false),
  })
  .refine(
    (body) =>
      (body.metadata?.length ?? 0) +
        (body.registry?.sources.length ?? 0) +
        (body.registry?.destinations.length ?? 0) <=
      MAX_IMPORT_DOCUMENTS,
    { message: `at most ${MAX_IMPORT_DOCUMENTS} documents per import`, path: [] },
  );
