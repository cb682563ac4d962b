import { z } from 'zod';
import { QUEUES, jobForOutboxEntry, type PlannedJob } from '../jobs/job-catalog.js';
import type { OutboxEntry } from '../store/records.js';

/** Why an outbox entry cannot be relayed; the label of the dead-letter metric. */
export type PoisonReason = 'unparseable' | 'invalid' | 'unknown_effect';

export type PlannedEntry =
  { ok: true; job: PlannedJob } | { ok: false; reason: PoisonReason; detail: string };

const EFFECT_KINDS = ['notify', 'catalog', 'acceptance', 'archiveDue', 'breakingChangeReminder'];

/** The envelope every entry must have; the effect's own fields are checked by the job's schema. */
const envelope = z.object({
  id: z.string().min(1),
  connectorId: z.string().min(1),
  eventId: z.string().min(1),
  version: z.number(),
  occurredAt: z.string(),
  requestId: z.string().optional(),
  effect: z.looseObject({ kind: z.string() }),
});

/** The value of `name` in a stream entry's field list (`[name, value, name, value, …]`). */
export function streamField(fields: string[], name: string): string | undefined {
  const at = fields.indexOf(name);
  return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
}

/**
 * Turns one outbox stream entry (its field list) into the BullMQ job that carries it out, or says
 * why it cannot: not JSON, not an outbox entry, an effect kind this version does not know, or a job
 * BullMQ would refuse. The relay moves such entries aside instead of stopping on them.
 */
export function planOutboxEntry(fields: string[], now: number): PlannedEntry {
  const raw = streamField(fields, 'effect');
  if (raw === undefined) return { ok: false, reason: 'unparseable', detail: 'no "effect" field' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reason: 'unparseable', detail: `not JSON: ${(err as Error).message}` };
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: 'invalid', detail: z.prettifyError(parsed.error) };
  }
  const kind = parsed.data.effect.kind;
  if (!EFFECT_KINDS.includes(kind)) {
    return { ok: false, reason: 'unknown_effect', detail: `unknown effect kind "${kind}"` };
  }
  const job = jobForOutboxEntry(parsed.data as OutboxEntry, now);
  const data = QUEUES[job.queue].schema.safeParse(job.data);
  if (!data.success) {
    return { ok: false, reason: 'invalid', detail: z.prettifyError(data.error) };
  }
  const jobId = job.opts.jobId ?? '';
  if (`${parseInt(jobId, 10)}` === jobId || jobId.includes(':')) {
    return { ok: false, reason: 'invalid', detail: `job id "${jobId}" is refused by BullMQ` };
  }
  return { ok: true, job };
}
