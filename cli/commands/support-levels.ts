import type { Command } from 'commander';
import type { ContextFactory } from '../context.js';
import { table } from '../tables.js';

const yesNo = (v: unknown): string =>
  v === true ? 'yes' : v === false ? 'no' : typeof v === 'string' ? v : JSON.stringify(v);

export function supportLevelsCommand(program: Command, context: ContextFactory): void {
  program
    .command('support-levels')
    .description('the support policy of each support level')
    .action(async (_opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      out.result(await client.supportLevels(), ({ items }) =>
        table(
          [
            'level',
            'availability',
            'maintained by',
            'production',
            'cloud',
            'PbA',
            'SME',
            'OSS',
            'notes',
          ],
          items.map((p) => [
            p.supportLevel,
            p.availability,
            p.whoMaintains,
            p.productionReadiness,
            yesNo(p.support.cloud),
            yesNo(p.support.poweredByAirbyte),
            yesNo(p.support.selfManagedEnterprise),
            yesNo(p.support.communityOss),
            p.notes,
          ]),
        ),
      );
    });
}
