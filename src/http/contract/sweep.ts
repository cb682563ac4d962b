import { z } from 'zod';
import { LISTED_SUPPORT_LEVELS } from './catalog-document.js';
import { calendarDay, orNull, timestamp } from './fields.js';

/** Automated archival sweeps (SPEC §8). */

export const ArchivalReason = z
  .discriminatedUnion('code', [
    z.object({
      code: z.literal('low_usage'),
      usage: z.number(),
      threshold: z.number(),
      windowDays: z.number(),
      windowStart: calendarDay,
    }),
    z.object({
      code: z.literal('unmaintained'),
      lastReleaseAt: timestamp,
      thresholdDays: z.number(),
      daysSinceRelease: z.number(),
    }),
  ])
  .meta({
    id: 'ArchivalReason',
    description: 'Why a connector is an archival candidate, with the figures that made it one.',
  });
export type ArchivalReason = z.infer<typeof ArchivalReason>;

export const SWEEP_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;

export const SweepCandidate = z
  .object({
    connectorId: z.string(),
    name: z.string(),
    supportLevel: z.enum(LISTED_SUPPORT_LEVELS),
    reasons: z.array(ArchivalReason),
    description: z.string(),
    action: z.enum([
      'deprecated',
      'would_deprecate',
      'review_suggested',
      'would_suggest_review',
      'review_already_suggested',
      'skipped',
    ]),
    archiveAt: timestamp.optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'SweepCandidate', description: 'A candidate of a sweep and what was done with it.' });
export type SweepCandidate = z.infer<typeof SweepCandidate>;

export const Sweep = z
  .object({
    id: z.string(),
    status: z.enum(SWEEP_STATUSES),
    dryRun: z.boolean(),
    trigger: z.enum(['manual', 'scheduled']),
    requestedBy: z.string(),
    createdAt: timestamp,
    startedAt: orNull(timestamp),
    finishedAt: orNull(timestamp),
    settings: orNull(
      z.object({
        cron: z
          .string()
          .optional()
          .meta({ description: 'The schedule of automated sweeps (`LIFECYCLE_ARCHIVAL_CRON`).' }),
        minAgeDays: z.number(),
        usageWindowDays: z.number(),
        minUsage: z.number(),
        unmaintainedDays: z.number(),
        noticeDays: z.number(),
      }),
    ),
    scanned: z.object({
      community: z.number().int(),
      certified: z.number().int(),
      oldEnough: z.number().int(),
    }),
    candidates: z.array(SweepCandidate),
    summary: z.object({
      candidates: z.number().int(),
      deprecated: z.number().int(),
      reviewSuggested: z.number().int(),
      skipped: z.number().int(),
    }),
    error: orNull(z.string()),
  })
  .meta({
    id: 'SweepRecord',
    description:
      'An archival sweep: its status, the candidates with their reasons and figures, and what was done.',
  });
export type Sweep = z.infer<typeof Sweep>;

export const SweepList = z
  .object({ items: z.array(Sweep) })
  .meta({ id: 'SweepList', description: 'The last sweeps, newest first.' });
export type SweepList = z.infer<typeof SweepList>;

export const SweepAccepted = z
  .object({ id: z.string(), status: z.literal('queued'), dryRun: z.boolean() })
  .meta({
    id: 'SweepAccepted',
    description: 'A sweep was queued; follow the `Location` header for its report.',
  });
export type SweepAccepted = z.infer<typeof SweepAccepted>;
