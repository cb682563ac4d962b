import { Option, type Command } from 'commander';
import { NOTIFICATION_TYPES } from '../../machines/notification-types.js';
import type { Subscription } from '../api-types.js';
import type { ContextFactory } from '../context.js';
import { collect, collectOneOf } from '../option-parsers.js';
import { fields, table, when } from '../tables.js';

function subscriptionText(s: Subscription): string {
  return fields([
    ['id', s.id],
    ['owner', s.owner],
    ['url', s.url],
    ['events', s.events ? s.events.join(', ') : 'all'],
    ['connectors', s.connectorIds ? s.connectorIds.join(', ') : 'all'],
    ['created', when(s.createdAt)],
  ]);
}

export function subscriptionCommands(program: Command, context: ContextFactory): void {
  const group = program.command('subscriptions').description('webhook subscriptions (yours)');

  group
    .command('list')
    .description('your subscriptions')
    .action(async (_opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      out.result(await client.subscriptions(), ({ items }) =>
        items.length
          ? table(
              ['id', 'url', 'events', 'connectors', 'created'],
              items.map((s) => [
                s.id,
                s.url,
                s.events ? s.events.join('\n') : 'all',
                s.connectorIds ? s.connectorIds.join('\n') : 'all',
                when(s.createdAt),
              ]),
            )
          : 'No subscriptions.',
      );
    });

  group
    .command('create')
    .description('subscribe a webhook URL to connector events')
    .requiredOption('--webhook-url <url>', 'where deliveries are POSTed (http or https)')
    .requiredOption('--secret <secret>', 'signs every delivery (HMAC-SHA256); never shown again')
    .addOption(
      new Option('--event <type>', 'only this event type (repeatable; default: all)')
        .choices(NOTIFICATION_TYPES)
        // after .choices(): the parser that checks each value and collects them
        .argParser(collectOneOf(NOTIFICATION_TYPES)),
    )
    .option('--connector <id>', 'only this connector (repeatable; default: all)', collect)
    .action(
      async (
        opts: { webhookUrl: string; secret: string; event?: string[]; connector?: string[] },
        cmd: Command,
      ) => {
        const { client, out } = context(cmd);
        const created = await client.createSubscription({
          url: opts.webhookUrl,
          secret: opts.secret,
          ...(opts.event ? { events: opts.event as (typeof NOTIFICATION_TYPES)[number][] } : {}),
          ...(opts.connector ? { connectorIds: opts.connector } : {}),
        });
        out.result(created, (s) => `Subscription created.\n${subscriptionText(s)}`);
      },
    );

  group
    .command('delete')
    .description('remove a subscription')
    .argument('<id>', 'subscription id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      await client.deleteSubscription(id);
      if (!out.json) out.text(`Subscription ${id} deleted.`);
    });

  group
    .command('deliveries')
    .description("a subscription's delivery attempts and their outcome")
    .argument('<id>', 'subscription id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      out.result(await client.deliveries(id), ({ items }) =>
        items.length
          ? table(
              ['at', 'event', 'connector', 'attempt', 'status', 'outcome', 'next retry / error'],
              items.map((d) => [
                when(d.at),
                d.eventType,
                d.connectorId,
                `${d.attempt}/${d.maxAttempts}`,
                d.statusCode,
                d.outcome,
                d.error ?? (d.nextRetryAt ? when(d.nextRetryAt) : null),
              ]),
            )
          : `No deliveries for subscription ${id}.`,
      );
    });
}
