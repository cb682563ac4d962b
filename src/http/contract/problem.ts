import { z } from 'zod';
import { API_EVENT_TYPES } from '../../../machines/connector-events.js';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import { ROLES } from '../../auth/roles.js';

/** Errors: RFC 9457 problem details with a stable `code` (SPEC §4). */

export const Problem = z
  .object({
    type: z.url().meta({ description: 'Identifies the kind of problem; derived from `code`.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          keys: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    state: z.enum(STATE_NAMES).optional(),
    allowedEvents: z.array(z.enum(API_EVENT_TYPES)).optional(),
    requiredRole: z.enum(ROLES).optional(),
    currentVersion: z.number().int().optional(),
    retryAfterSeconds: z.number().int().optional(),
    limitPerMinute: z.number().int().optional(),
  })
  .meta({
    id: 'Problem',
    description:
      'An error (RFC 9457 problem details). `code` is stable and meant for programs; `detail` is for people. Other fields depend on the code.',
  });
export type Problem = z.infer<typeof Problem>;
