import { randomUUID } from 'node:crypto';
import type { AppServices } from '../../app-services.js';
import { newSweepRecord } from '../../archival/sweep-store.js';
import { NotFoundError } from '../../errors.js';
import { QUEUES, type SweepJob } from '../../jobs/job-catalog.js';
import type { UsageEntry } from '../../usage/usage-store.js';
import { ApiRouter } from '../api-router.js';
import { principalOf } from '../auth-middleware.js';
import { SweepIdParams } from '../contract/params.js';
import { REQUEST_EXAMPLES, SweepRequest, UsageRequest } from '../contract/requests.js';
import { Sweep, SweepAccepted, SweepList } from '../contract/sweep.js';
import { UsageResult } from '../contract/usage-result.js';
import {
  MAX_USAGE_ENTRIES,
  listSweepsQuery,
  sweepBody,
  usageBody,
  usageEntry,
} from '../schemas.js';
import { parseInput } from '../validate.js';

/** A day's usage may be reported up to one day ahead of UTC today (time zones), never later. */
function tooFarAhead(date: string, now: Date): boolean {
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  return date > tomorrow;
}

export function archivalRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();

  api.post(
    '/usage',
    {
      operationId: 'reportUsage',
      tag: 'archival',
      summary: 'Report connector usage',
      description: `Upserts usage per connector and UTC day (idempotent: the same connector and day replaces the earlier figures). Up to ${MAX_USAGE_ENTRIES} entries per request; entries are checked one by one, and the bad ones (invalid, in the future, unknown connector) are reported without refusing the others. The automated archival sweep reads this usage.`,
      access: { kind: 'role', role: 'maintainer' },
      body: {
        schema: UsageRequest,
        required: true,
        examples: { oneDay: REQUEST_EXAMPLES.UsageRequest },
      },
      responses: {
        200: {
          description: 'The valid entries were stored; the others are listed in `rejected`.',
          schema: UsageResult,
          headers: ['Idempotent-Replayed'],
        },
      },
    },
    async (req, res) => {
      const body = parseInput(usageBody, req.body);
      const now = new Date();
      const rejected: UsageResult['rejected'] = [];
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
    },
  );

  api.post(
    '/archival-sweeps',
    {
      operationId: 'startArchivalSweep',
      tag: 'archival',
      summary: 'Run the archival sweep now',
      description:
        'Queues the automated archival sweep (which otherwise runs on `LIFECYCLE_ARCHIVAL_CRON`). Candidates (low usage or no release for a long time) are deprecated with a notice; certified ones only get a review suggestion. A dry run changes nothing. The body is optional.',
      access: { kind: 'role', role: 'maintainer' },
      body: {
        schema: SweepRequest,
        required: false,
        examples: { dryRun: REQUEST_EXAMPLES.SweepRequest },
      },
      responses: {
        202: {
          description: 'Queued; the report is at `Location`.',
          schema: SweepAccepted,
          headers: ['Location', 'Idempotent-Replayed'],
        },
      },
    },
    async (req, res) => {
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
    },
  );

  api.get(
    '/archival-sweeps',
    {
      operationId: 'listArchivalSweeps',
      tag: 'archival',
      summary: 'The last archival sweeps',
      description: 'The last sweeps (manual and scheduled), newest first, with their candidates.',
      access: { kind: 'role', role: 'maintainer' },
      query: listSweepsQuery,
      responses: { 200: { description: 'The sweeps.', schema: SweepList } },
    },
    async (req, res) => {
      const query = parseInput(listSweepsQuery, req.query, 'query');
      res.json({ items: await s.sweeps.list(query.limit) });
    },
  );

  api.get(
    '/archival-sweeps/:id',
    {
      operationId: 'getArchivalSweep',
      tag: 'archival',
      summary: 'An archival sweep report',
      description:
        'The sweep: its status (`queued`, `running`, `completed`, `failed`), the candidates with their reasons and figures, and what was done. Reports are kept for 90 days.',
      access: { kind: 'role', role: 'maintainer' },
      params: SweepIdParams,
      responses: { 200: { description: 'The sweep.', schema: Sweep } },
      problems: { 404: ['No sweep with this id (`NOT_FOUND`).'] },
    },
    async (req, res) => {
      const record = await s.sweeps.get(req.params.id as string);
      if (!record)
        throw new NotFoundError(`No archival sweep with id "${req.params.id as string}".`);
      res.json(record);
    },
  );

  return api;
}
