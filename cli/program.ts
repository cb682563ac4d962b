import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './cli-errors.js';
import { connectorsCommands } from './commands/connectors.js';
import { eventCommands } from './commands/events.js';
import { exportCommands } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { machineCommand } from './commands/machine.js';
import { subscriptionCommands } from './commands/subscriptions.js';
import { supportLevelsCommand } from './commands/support-levels.js';
import { sweepCommand } from './commands/sweep.js';
import { tokenCommands } from './commands/tokens.js';
import { usageCommands } from './commands/usage.js';
import { contextFactory } from './context.js';
import type { Streams } from './output.js';
import { cliVersion } from './version.js';

export const DEFAULT_URL = 'http://localhost:8080';

const EXAMPLES = `
Examples:
  $ lifecycle connectors list --support-level community
  $ lifecycle certify source-faker --wait
  $ lifecycle deprecate source-old --reason "replaced" --notice-days 30 --replacement source-new
  $ lifecycle import ./connectors --dry-run --maintainer alice
  $ lifecycle sweep --dry-run --wait

Exit codes: 0 done; 1 the service refused (4xx) or a gate failed; 2 bad usage;
3 the service is unreachable or failed (5xx), or --wait ran out of time.`;

/** The `lifecycle` program (SPEC §12): global options, then one group of commands per file. */
export function buildProgram(streams: Streams): Command {
  const program = new Command('lifecycle')
    .description(
      "Command-line client of connector-lifecycle: the maintainers' tool over its HTTP API.",
    )
    .version(cliVersion(), '-V, --version')
    .addOption(new Option('--url <url>', 'the service').env('LIFECYCLE_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'an API token').env('LIFECYCLE_TOKEN'))
    .option('--json', "print only the API's JSON on stdout")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', EXAMPLES);

  const context = contextFactory(streams);
  connectorsCommands(program, context);
  eventCommands(program, context);
  importCommand(program, context);
  exportCommands(program, context);
  sweepCommand(program, context);
  usageCommands(program, context);
  subscriptionCommands(program, context);
  tokenCommands(program, context);
  machineCommand(program, context);
  supportLevelsCommand(program, context);
  return program;
}

/** Runs the CLI with these arguments (without node and the script); resolves to the exit code. */
export async function run(argv: string[], streams: Streams): Promise<number> {
  const program = buildProgram(streams);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with 0; commander already printed its message.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      for (const line of err.lines()) streams.stderr.write(`${line}\n`);
      return err.exitCode;
    }
    streams.stderr.write(
      `Unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT.refused;
  }
}
