import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { AppServices } from '../../app-services.js';
import { newSweepRecord } from '../../archival/sweep-store.js';
import { NotFoundError } from '../../errors.js';
import { QUEUES, type SweepJob } from '../../jobs/job-catalog.js';
import type { UsageEntry } from '../../usage/usage-store.js';
import { principalOf, requireRole } from '../auth-middleware.js';
import { listSweepsQuery, sweepBody, usageBody, usageEntry } from '../schemas.js';
import { parseInput } from '../validate.js';

/** A day's usage may be reported up to one day ahead of UTC today (time zones), never later. */
function tooFarAhead(date: string, now: Date): boolean {
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  return date > tomorrow;
}

export function archivalRoutes(s: AppServices): Router {
  const router = Router();

  router.post('/usage', requireRole('maintainer'), async (req, res) => {
    const body = parseInput(usageBody, req.body);
    const now = new Date();
    const rejected: {
      index: number;
      connectorId: unknown;
      errors: { path: string; message: string }[];
    }[] = [];
    const valid: { index: number; entry: UsageEntry }[] = [];
    body.entries.forEach((raw, index) => {
      const parsed = usageEntry.safeParse(raw);
      // Echo the id only when it is one (never a hostile nested structure).
      const given = (raw as { connectorId?: unknown } | null)?.connectorId;
      const connectorId = typeof given === 'string' ? given.slice(0, 200) : null;
      if (!parsed.success) {
        rejected.push({
          index,
          connectorId,
          errors: parsed.error.issues.map((i) => ({
            path: ['entries', index, ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        });
      } else if (tooFarAhead(parsed.data.date, now)) {
        rejected.push({
          index,
          connectorId,
          errors: [{ path: `entries.${index}.date`, message: 'is in the future' }],
        });
      } else {
        valid.push({ index, entry: parsed.data });
      }
    });
    const ids = [...new Set(valid.map((v) => v.entry.connectorId))];
    const known = new Set((await s.store.getMany(ids)).flatMap((c) => (c ? [c.context.id] : [])));
    const stored: UsageEntry[] = [];
    for (const { index, entry } of valid) {
      if (known.has(entry.connectorId)) stored.push(entry);
      else {
        rejected.push({
          index,
          connectorId: entry.connectorId,
          errors: [
            {
              path: `entries.${index}.connectorId`,
              message: `no connector with id "${entry.connectorId}"`,
            },
          ],
        });
      }
    }
    await s.usage.upsert(stored);
    rejected.sort((a, b) => a.index - b.index);
    res.json({ stored: stored.length, rejected });
  });

  router.post('/archival-sweeps', requireRole('maintainer'), async (req, res) => {
    // No body at all means the defaults; a body that is present (even null) must be an object.
    const body = parseInput(sweepBody, req.body === undefined ? {} : req.body);
    const id = randomUUID();
    const requestedBy = principalOf(res).subject;
    await s.sweeps.create(
      newSweepRecord(id, { dryRun: body.dryRun, trigger: 'manual', requestedBy }),
    );
    const data: SweepJob = { sweepId: id, dryRun: body.dryRun, trigger: 'manual', requestedBy };
    await s.queues.add([
      { queue: 'sweeps', name: 'manual', data, opts: { ...QUEUES.sweeps.options, jobId: id } },
    ]);
    res
      .status(202)
      .location(`/v1/archival-sweeps/${id}`)
      .json({ id, status: 'queued', dryRun: body.dryRun });
  });

  router.get('/archival-sweeps', requireRole('maintainer'), async (req, res) => {
    const query = parseInput(listSweepsQuery, req.query, 'query');
    res.json({ items: await s.sweeps.list(query.limit) });
  });

  router.get('/archival-sweeps/:id', requireRole('maintainer'), async (req, res) => {
    const record = await s.sweeps.get(req.params.id as string);
    if (!record) throw new NotFoundError(`No archival sweep with id "${req.params.id as string}".`);
    res.json(record);
  });

  return router;
}
