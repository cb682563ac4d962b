import { z } from 'zod';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import { listOf, orNull, timestamp } from './fields.js';

/** The history of a connector: every accepted event (SPEC §4). */

export const HistoryEntry = z
  .object({
    version: z.number().int(),
    eventId: z.string(),
    type: z.string(),
    actor: z.string(),
    at: timestamp,
    from: orNull(z.enum(STATE_NAMES)),
    to: z.enum(STATE_NAMES),
    payload: z.record(z.string(), z.unknown()),
    requestId: z.string().optional(),
  })
  .meta({
    id: 'HistoryEntry',
    description: 'One accepted event (API or internal) and the transition it made.',
  });
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HistoryList = listOf(HistoryEntry).meta({
  id: 'HistoryList',
  description: 'Every accepted event, oldest first.',
});
export type HistoryList = z.infer<typeof HistoryList>;
