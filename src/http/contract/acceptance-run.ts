import { z } from 'zod';
import { listOf, orNull, timestamp } from './fields.js';

/** Acceptance-test runs (SPEC §7). */

export const ACCEPTANCE_RUN_OUTCOMES = ['passed', 'failed', 'timeout', 'error'] as const;

export const AcceptanceRun = z
  .object({
    id: z.string(),
    connectorId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    purpose: z.string(),
    image: z.string(),
    status: z.enum(['queued', 'running', ...ACCEPTANCE_RUN_OUTCOMES]),
    outcome: orNull(z.enum(ACCEPTANCE_RUN_OUTCOMES)),
    queuedAt: timestamp,
    startedAt: orNull(timestamp),
    finishedAt: orNull(timestamp),
    attempts: z.number().int(),
    reason: orNull(z.string()),
    exitCode: orNull(z.number().int()),
    tests: orNull(
      z.object({
        total: z.number().int(),
        passed: z.number().int(),
        failures: z.number().int(),
        errors: z.number().int(),
        skipped: z.number().int(),
      }),
    ),
    reportFiles: z.array(z.string()),
    outputTail: z.string(),
  })
  .meta({
    id: 'AcceptanceRun',
    description:
      'One run of the connector acceptance tests; `outcome` is `null` until the run ends.',
  });
export type AcceptanceRun = z.infer<typeof AcceptanceRun>;

export const AcceptanceRunList = listOf(AcceptanceRun).meta({
  id: 'AcceptanceRunList',
  description: 'The acceptance runs of a connector.',
});
export type AcceptanceRunList = z.infer<typeof AcceptanceRunList>;
