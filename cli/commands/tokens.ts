import { Option, type Command } from 'commander';
import { ROLES } from '../../src/auth/roles.js';
import type { ContextFactory } from '../context.js';
import { fields } from '../tables.js';

export function tokenCommands(program: Command, context: ContextFactory): void {
  const group = program.command('tokens').description('API tokens (admin)');

  group
    .command('create')
    .description('create a token; it is shown once')
    .requiredOption('--subject <subject>', 'who the token is for')
    .addOption(new Option('--role <role>', 'its role').choices(ROLES).makeOptionMandatory())
    .action(async (opts: { subject: string; role: (typeof ROLES)[number] }, cmd: Command) => {
      const { client, out } = context(cmd);
      const created = await client.createToken({ subject: opts.subject, role: opts.role });
      out.result(
        created,
        (t) =>
          `${fields([
            ['token', t.token],
            ['id', t.id],
            ['subject', t.subject],
            ['role', t.role],
          ])}\nKeep the token now: it is not shown again. Revoke it with "lifecycle tokens revoke ${t.id}".`,
      );
    });

  group
    .command('revoke')
    .description('revoke a token by its id')
    .argument('<id>', 'token id (not the token itself)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      await client.revokeToken(id);
      if (!out.json) out.text(`Token ${id} revoked.`);
    });
}
