import { importBody } from '../../airbyte/import-body.js';
import { ImportService } from '../../airbyte/import-service.js';
import type { AppServices } from '../../app-services.js';
import { ApiRouter } from '../api-router.js';
import { principalOf } from '../auth-middleware.js';
import { ImportReport, ImportRequest } from '../contract/import-report.js';
import { REQUEST_EXAMPLES } from '../contract/requests.js';
import { parseInput } from '../validate.js';

/** POST /v1/imports (SPEC §11): Airbyte metadata.yaml documents and registries (admin). */
export function importRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();
  const imports = new ImportService({
    store: s.store,
    service: s.service,
    lifecycle: s.lifecycle,
    options: s.config.airbyte,
    allowedDockerRepositories: s.config.allowedDockerRepositories,
    clock: s.clock,
  });

  api.post(
    '/imports',
    {
      operationId: 'importAirbyte',
      tag: 'airbyte',
      summary: 'Import Airbyte metadata.yaml documents or a registry',
      description:
        "Each document is validated against Airbyte's own schema (an invalid one is refused with its paths; the others still import) and against LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES. A new connector is created (its history starts with an `IMPORT` entry); an existing one is compared field by field (`unchanged` or `drift`) and changes only with `apply`, through the machine. A `definitionId` that belongs to another connector is refused (`DEFINITION_ID_EXISTS`). Re-importing the same documents changes nothing; `dryRun` reports and changes nothing.",
      access: { kind: 'role', role: 'admin' },
      body: {
        schema: ImportRequest,
        required: true,
        examples: { metadata: REQUEST_EXAMPLES.ImportRequest },
      },
      responses: {
        200: {
          description: 'What the import did (or would do, with `dryRun`).',
          schema: ImportReport,
          headers: ['Idempotent-Replayed'],
        },
      },
    },
    async (req, res) => {
      const body = parseInput(importBody, req.body);
      const report = await imports.run(body, principalOf(res), res.locals.requestId);
      res.json(report);
    },
  );

  return api;
}
