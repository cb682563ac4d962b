import type { Command } from 'commander';
import type { ContextFactory } from '../context.js';
import { machineToMermaid } from '../machine-mermaid.js';
import { table } from '../tables.js';

export function machineCommand(program: Command, context: ContextFactory): void {
  program
    .command('machine')
    .description('the lifecycle state machine: its states and transitions')
    .option('--mermaid', 'print it as a Mermaid stateDiagram-v2')
    .action(async (opts: { mermaid?: boolean }, cmd: Command) => {
      const { client, out } = context(cmd);
      const machine = await client.machine();
      if (opts.mermaid) {
        out.text(machineToMermaid(machine));
        return;
      }
      out.result(machine, (m) =>
        table(
          ['state', 'event', 'target', 'guard'],
          m.states.flatMap((s) =>
            s.transitions.map((t) => [
              s.state,
              `${t.event}${t.internal ? ' (internal)' : ''}`,
              t.target,
              t.guard,
            ]),
          ),
        ),
      );
    });
}
