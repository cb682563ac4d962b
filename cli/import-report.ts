import type { ImportReport } from './api-types.js';
import { documentLabel, type ImportBatch, type ImportDocument } from './files/import-documents.js';
import { count, table } from './tables.js';

/** The answers of every batch as one report; a refused document also names its file. */
export interface MergedImportReport extends Omit<ImportReport, 'refused'> {
  documents: number;
  batches: number;
  refused: (ImportReport['refused'][number] & { path: string })[];
}

export function mergeImportReports(
  all: ImportDocument[],
  answers: { batch: ImportBatch; report: ImportReport }[],
  dryRun: boolean,
): MergedImportReport {
  const merged: MergedImportReport = {
    dryRun,
    documents: all.length,
    batches: answers.length,
    created: [],
    unchanged: [],
    drift: [],
    applied: [],
    refused: [],
  };
  for (const { batch, report } of answers) {
    merged.created.push(...report.created);
    merged.unchanged.push(...report.unchanged);
    merged.drift.push(...report.drift);
    merged.applied.push(...report.applied);
    for (const refusal of report.refused) {
      const doc = batch.documents[refusal.index];
      merged.refused.push({
        ...refusal,
        // the position among every document of this command, not of its batch
        index: doc ? all.indexOf(doc) : refusal.index,
        path: doc ? documentLabel(doc) : `(batch document ${refusal.index})`,
      });
    }
  }
  return merged;
}

const show = (v: unknown): string =>
  v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v);

export function importReportText(r: MergedImportReport): string {
  const lines = [
    `${r.dryRun ? 'Dry run: nothing was changed. ' : ''}${count(r.documents, 'document')} in ${count(r.batches, 'request')}: ` +
      `${r.created.length} created, ${r.unchanged.length} unchanged, ${r.drift.length} with drift, ` +
      `${r.applied.length} applied, ${r.refused.length} refused.`,
  ];
  const list = (title: string, ids: string[]) => {
    if (ids.length) lines.push('', `${title}:`, ...ids.map((id) => `  ${id}`));
  };
  list('Created', r.created);
  list('Applied', r.applied);
  if (r.drift.length) {
    lines.push(
      '',
      'Drift (not applied):',
      table(
        ['connector', 'field', 'current', 'imported'],
        r.drift.flatMap((d) =>
          d.fields.map((f) => [d.connectorId, f.field, show(f.current), show(f.imported)]),
        ),
      ),
    );
  }
  if (r.refused.length) {
    lines.push(
      '',
      'Refused:',
      table(
        ['document', 'connector', 'errors'],
        r.refused.map((x) => [
          x.path,
          x.connectorId ?? null,
          x.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n'),
        ]),
      ),
    );
  }
  return lines.join('\n');
}
