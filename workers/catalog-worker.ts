import type { Job } from 'bullmq';
import type { CatalogService } from '../src/catalog/catalog-service.js';
import { catalogJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';

/** Brings catalog entries up to date: the dirty ones (a flush), or given ones (idempotent). */
export function catalogProcessor(catalog: CatalogService) {
  return async (job: Job): Promise<{ catalogVersion: number }> => {
    const data = parseJob(catalogJob, job);
    const catalogVersion =
      'flush' in data
        ? await catalog.flushDirty(String(job.id))
        : await catalog.refreshMany(data.connectorIds);
    return { catalogVersion };
  };
}
