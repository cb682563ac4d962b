import type { Command } from 'commander';
import { UnavailableError } from '../cli-errors.js';
import type { ContextFactory } from '../context.js';
import { parsePositive } from '../option-parsers.js';
import { sweepStartedText, sweepText } from '../sweep-text.js';
import { timeoutMs } from '../wait/poll.js';
import { waitForSweep } from '../wait/sweep-wait.js';

/** The default of sweep --timeout: a sweep scans every connector once. */
export const SWEEP_TIMEOUT_S = 900;

export function sweepCommand(program: Command, context: ContextFactory): void {
  program
    .command('sweep')
    .description('run the automated archival sweep now')
    .option('--dry-run', 'only report the candidates; change nothing')
    .option('--wait', 'wait for the sweep to end and print its candidates and what was done')
    .option(
      '--timeout <seconds>',
      'with --wait: give up after this long (exit 3)',
      parsePositive,
      SWEEP_TIMEOUT_S,
    )
    .action(async (opts: { dryRun?: boolean; wait?: boolean; timeout: number }, cmd: Command) => {
      const { client, out } = context(cmd);
      const started = await client.startSweep(opts.dryRun === true);
      if (!opts.wait) {
        out.result(started, sweepStartedText);
        return;
      }
      out.note(
        `Sweep ${started.id} queued${started.dryRun ? ' (dry run)' : ''}; waiting for its report…`,
      );
      const sweep = await waitForSweep(client, out, started.id, timeoutMs(opts.timeout));
      out.result(sweep, sweepText);
      if (sweep.status === 'failed') {
        throw new UnavailableError(`The sweep failed: ${sweep.error ?? 'no reason given'}.`);
      }
    });
}
