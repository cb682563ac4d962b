import type { Command } from 'commander';
import type { UsageReport } from '../api-types.js';
import { FailedError, UsageError } from '../cli-errors.js';
import type { ContextFactory } from '../context.js';
import { chunks, readUsageFile, USAGE_BATCH_SIZE } from '../files/usage-file.js';
import { count, table } from '../tables.js';

/** The answers of every batch as one; a rejected entry also says where it was in the file. */
export interface MergedUsageReport extends UsageReport {
  entries: number;
  batches: number;
  rejected: (UsageReport['rejected'][number] & { origin: string })[];
}

export function usageCommands(program: Command, context: ContextFactory): void {
  const group = program
    .command('usage')
    .description('usage figures (they drive automated archival)');
  group
    .command('import')
    .description(
      `upload daily usage from a CSV (columns connectorId,date,activeConnections,syncs) or JSON file, ${USAGE_BATCH_SIZE.toLocaleString('en')} entries per request`,
    )
    .argument('<file>', 'a .csv or .json file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      const usage = await readUsageFile(file);
      if (usage.entries.length === 0) throw new UsageError(`${file}: no usage entries`);
      if (usage.ignoredColumns.length) {
        out.note(`Ignoring the column(s) ${usage.ignoredColumns.join(', ')}.`);
      }
      const batches = chunks(usage.entries, USAGE_BATCH_SIZE);
      const merged: MergedUsageReport = {
        entries: usage.entries.length,
        batches: batches.length,
        stored: 0,
        rejected: [],
      };
      for (const [i, entries] of batches.entries()) {
        if (batches.length > 1)
          out.note(
            `request ${i + 1}/${batches.length}: ${count(entries.length, 'entry', 'entries')}`,
          );
        const report = await client.postUsage(entries);
        merged.stored += report.stored;
        const offset = i * USAGE_BATCH_SIZE;
        for (const r of report.rejected) {
          merged.rejected.push({
            ...r,
            index: offset + r.index,
            origin: usage.origins[offset + r.index] ?? `entry ${offset + r.index}`,
          });
        }
      }
      out.result(merged, (m) => {
        const line = `Stored ${count(m.stored, 'entry', 'entries')} of ${m.entries}; ${m.rejected.length} rejected.`;
        if (!m.rejected.length) return line;
        return `${line}\n${table(
          ['where', 'connector', 'errors'],
          m.rejected.map((r) => [
            r.origin,
            r.connectorId,
            r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'),
          ]),
        )}`;
      });
      if (merged.rejected.length) {
        throw new FailedError(
          `${count(merged.rejected.length, 'entry', 'entries')} rejected (see the report).`,
        );
      }
    });
}
