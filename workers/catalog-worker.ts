import type { Job } from 'bullmq';
import type { CatalogService } from '../src/catalog/catalog-service.js';
import { catalogJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';

/** Brings the catalog entries of the job's connectors up to date (idempotent). */
export function catalogProcessor(catalog: CatalogService) {
  return async (job: Job): Promise<{ catalogVersion: number }> => {
    const { connectorIds } = parseJob(catalogJob, job);
    return { catalogVersion: await catalog.refreshMany(connectorIds) };
  };
}
