import { DelayedError, type Job } from 'bullmq';
import { SweepBusyError, type ArchivalSweeper } from '../src/archival/archival-sweeper.js';
import { newSweepRecord, type SweepStore } from '../src/archival/sweep-store.js';
import { sweepJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';

/** Runs one archival sweep; waits while another sweep holds the lock. */
export function sweepProcessor(deps: { sweeper: ArchivalSweeper; sweeps: SweepStore }) {
  return async (job: Job, token?: string) => {
    const data = parseJob(sweepJob, job);
    // Scheduled jobs get their id from the Job Scheduler (which may contain ':').
    const id = data.sweepId ?? `scheduled-${String(job.id).replace(/[^A-Za-z0-9-]/g, '-')}`;
    let record = await deps.sweeps.get(id);
    if (!record) {
      record = newSweepRecord(id, {
        dryRun: data.dryRun,
        trigger: data.trigger,
        requestedBy: data.requestedBy,
      });
      await deps.sweeps.create(record);
    }
    if (record.status === 'completed' || record.status === 'failed')
      return { id, status: record.status };
    try {
      const done = await deps.sweeper.run(record);
      return { id, status: done.status, summary: done.summary };
    } catch (err) {
      if (!(err instanceof SweepBusyError)) throw err;
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
  };
}
