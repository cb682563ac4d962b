import { z } from 'zod';
import { API_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../../machines/connector-events.js';
import { STATE_NAMES, STATUSES, SUPPORT_LEVELS } from '../../../machines/connector-types.js';

/** The lifecycle state machine, for tools and diagrams (SPEC §2, §4). */

export const MachineDefinition = z
  .object({
    id: z.string(),
    states: z.array(
      z.object({
        state: z.enum(STATE_NAMES),
        supportLevel: z.enum(SUPPORT_LEVELS),
        status: z.enum(STATUSES),
        transitions: z.array(
          z.object({
            event: z.string(),
            internal: z.boolean(),
            target: z.enum(STATE_NAMES),
            guard: z.string().nullable(),
          }),
        ),
      }),
    ),
    events: z.array(z.enum(API_EVENT_TYPES)),
    internalEvents: z.array(z.enum(INTERNAL_EVENT_TYPES)),
  })
  .meta({
    id: 'Machine',
    description:
      'The lifecycle state machine: every state with its transitions (event, target, guard), the API events and the internal ones.',
  });
export type MachineDefinition = z.infer<typeof MachineDefinition>;
