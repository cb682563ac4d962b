import { z } from 'zod';

/** Liveness and readiness (SPEC §4, outside /v1). */

export const Health = z
  .object({ status: z.literal('ok') })
  .meta({ id: 'Health', description: 'The process is alive.' });
export type Health = z.infer<typeof Health>;

export const Readiness = z
  .object({
    status: z.literal('ready'),
    redis: z.literal('ok'),
    queues: z.record(z.string(), z.record(z.string(), z.number().int())),
    outboxBacklog: z.number().int(),
  })
  .meta({
    id: 'Readiness',
    description: 'Redis and the queues are reachable; queue depths by queue and job state.',
  });
export type Readiness = z.infer<typeof Readiness>;
