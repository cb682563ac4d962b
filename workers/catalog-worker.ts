import type { Job } from 'bullmq';
import type { CatalogService } from '../src/catalog/catalog-service.js';
import { catalogJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';

/** Brings one connector's catalog entry up to date (idempotent). */
export function catalogProcessor(catalog: CatalogService) {
  return async (job: Job): Promise<{ catalogVersion: number }> => {
    const { connectorId } = parseJob(catalogJob, job);
    return { catalogVersion: await catalog.refresh(connectorId) };
  };
}
