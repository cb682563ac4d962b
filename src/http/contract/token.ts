import { z } from 'zod';
import { ROLES } from '../../auth/roles.js';
import { timestamp } from './fields.js';

/** API tokens (SPEC §4, §10). */

export const Token = z
  .object({
    id: z.string(),
    token: z.string(),
    subject: z.string(),
    role: z.enum(ROLES),
    createdAt: timestamp,
  })
  .meta({
    id: 'Token',
    description:
      'A new API token. `token` is shown only in this response: only its hash is stored.',
  });
export type Token = z.infer<typeof Token>;

export const WhoAmI = z
  .object({ subject: z.string(), role: z.enum(ROLES) })
  .meta({ id: 'WhoAmI', description: "The calling token's subject and role." });
export type WhoAmI = z.infer<typeof WhoAmI>;
