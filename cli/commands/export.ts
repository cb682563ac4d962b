import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import type { ContextFactory } from '../context.js';

export function exportCommands(program: Command, context: ContextFactory): void {
  const group = program.command('export').description('export the catalog');
  group
    .command('registry')
    .description("the public catalog in Airbyte's registry format (sources, destinations)")
    .option('--out <file>', 'write it to this file instead of stdout')
    .action(async (opts: { out?: string }, cmd: Command) => {
      const { client, out } = context(cmd);
      const registry = await client.registry();
      const text = `${JSON.stringify(registry, null, 2)}\n`;
      if (opts.out === undefined) {
        out.document(registry);
        return;
      }
      try {
        await writeFile(opts.out, text);
      } catch (err) {
        throw new UsageError(`--out ${opts.out}: cannot write it (${(err as Error).message})`);
      }
      // The document went to the file; stdout stays empty under --json.
      if (!out.json) {
        out.text(
          `Wrote ${registry.sources.length} sources and ${registry.destinations.length} destinations to ${opts.out}.`,
        );
      }
    });
}
