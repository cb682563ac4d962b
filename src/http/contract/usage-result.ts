import { z } from 'zod';

/** The answer to a usage report (SPEC §4, §8). */

export const FieldError = z
  .object({ path: z.string(), message: z.string() })
  .meta({ id: 'FieldError', description: 'One invalid field: its path and what is wrong.' });
export type FieldError = z.infer<typeof FieldError>;

export const UsageResult = z
  .object({
    stored: z.number().int(),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        connectorId: z.string().nullable(),
        errors: z.array(FieldError),
      }),
    ),
  })
  .meta({
    id: 'UsageResult',
    description:
      'How many entries were stored, and every rejected entry with its errors (the others are stored). `connectorId` is `null` when the entry did not name one as a string.',
  });
export type UsageResult = z.infer<typeof UsageResult>;
