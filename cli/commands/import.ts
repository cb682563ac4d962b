import type { Command } from 'commander';
import type { ImportReport } from '../api-types.js';
import { FailedError, RefusedError, UsageError } from '../cli-errors.js';
import type { ContextFactory } from '../context.js';
import {
  batchDocuments,
  collectImportDocuments,
  DEFAULT_BATCH_LIMITS,
  type ImportBatch,
} from '../files/import-documents.js';
import { importReportText, mergeImportReports } from '../import-report.js';
import { collect, integerIn } from '../option-parsers.js';
import { count } from '../tables.js';

interface ImportOptions {
  dryRun?: boolean;
  apply?: boolean;
  maintainer: string[];
  batchSize: number;
}

export function importCommand(program: Command, context: ContextFactory): void {
  program
    .command('import')
    .description(
      'import Airbyte metadata.yaml files, folders (searched for metadata.yaml) and registry JSON files',
    )
    .argument('<paths...>', 'files and folders')
    .option('--dry-run', 'report what would happen; change nothing')
    .option('--apply', 'apply drift that can be applied (a greater dockerImageTag, as a release)')
    .option(
      '--maintainer <subject>',
      'a maintainer of the created connectors (repeatable)',
      collect,
      [],
    )
    .option(
      '--batch-size <n>',
      'documents per request',
      integerIn(1, 1000),
      DEFAULT_BATCH_LIMITS.maxDocuments,
    )
    .action(async (paths: string[], opts: ImportOptions, cmd: Command) => {
      const { client, out } = context(cmd);
      const documents = await collectImportDocuments(paths);
      if (documents.length === 0) throw new UsageError('Nothing to import: no documents found.');
      const batches = batchDocuments(documents, {
        ...DEFAULT_BATCH_LIMITS,
        maxDocuments: opts.batchSize,
      });
      const answers: { batch: ImportBatch; report: ImportReport }[] = [];
      for (const [i, batch] of batches.entries()) {
        if (batches.length > 1) {
          out.note(
            `request ${i + 1}/${batches.length}: ${count(batch.documents.length, 'document')}`,
          );
        }
        try {
          const report = await client.importDocuments({
            ...batch.body,
            ...(opts.maintainer.length ? { maintainers: opts.maintainer } : {}),
            dryRun: opts.dryRun === true,
            apply: opts.apply === true,
          });
          answers.push({ batch, report });
        } catch (err) {
          if (err instanceof RefusedError && i > 0) {
            const sent = answers.reduce((n, a) => n + a.batch.documents.length, 0);
            throw new RefusedError(
              err.status,
              err.problem,
              `The first ${count(sent, 'document')} (${count(i, 'request')}) were imported before this refusal; the rest were not sent.`,
            );
          }
          throw err;
        }
      }
      const report = mergeImportReports(documents, answers, opts.dryRun === true);
      out.result(report, importReportText);
      if (report.refused.length) {
        throw new FailedError(
          `${count(report.refused.length, 'document')} of ${report.documents} refused (see the report).`,
        );
      }
    });
}
