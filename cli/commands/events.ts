import type { Command } from 'commander';
import type { EventRequest } from '../api-types.js';
import { UsageError } from '../cli-errors.js';
import type { ContextFactory } from '../context.js';
import { parseNonNegative, parsePositive, parseVersion } from '../option-parsers.js';
import { GATE_TIMEOUT_S, sendEvent, type SendOptions } from '../send-event.js';

interface Common {
  ifMatch?: number;
  wait?: boolean;
  timeout?: number;
}

/** A command that sends one event to one connector, with --if-match (and --wait for a gate). */
function eventCommand(
  parent: Command,
  name: string,
  description: string,
  opts: { gate?: boolean } = {},
): Command {
  const cmd = parent
    .command(name)
    .description(description)
    .argument('<id>', 'connector id')
    .option(
      '--if-match <version>',
      'only if the connector is still at this version (sends If-Match: "v<version>")',
      parseVersion,
    );
  if (opts.gate) {
    cmd
      .option('--wait', 'wait for the acceptance tests; exit 0 if they pass, 1 if they fail')
      .option(
        '--timeout <seconds>',
        'with --wait: give up after this long (exit 3)',
        parsePositive,
        GATE_TIMEOUT_S,
      );
  }
  return cmd;
}

function sendOptions(o: Common): SendOptions {
  return {
    ...(o.ifMatch !== undefined ? { ifMatch: o.ifMatch } : {}),
    ...(o.wait ? { wait: true } : {}),
    ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
  };
}

type Build<O> = (opts: O) => EventRequest;

/** Wires an event command's action: builds the event from the options and sends it. */
function onSend<O extends Common>(cmd: Command, context: ContextFactory, build: Build<O>): void {
  cmd.action(async (id: string, opts: O, self: Command) => {
    await sendEvent(context(self), id, build(opts), sendOptions(opts));
  });
}

export function eventCommands(program: Command, context: ContextFactory): void {
  onSend(
    eventCommand(
      program,
      'certify',
      'ask for certification (REQUEST_CERTIFICATION; acceptance tests gate it)',
      {
        gate: true,
      },
    ),
    context,
    () => ({ type: 'REQUEST_CERTIFICATION' }),
  );

  onSend(
    eventCommand(
      program,
      'contribute',
      'contribute a custom connector to the community (CONTRIBUTE; gated)',
      {
        gate: true,
      },
    ),
    context,
    () => ({ type: 'CONTRIBUTE' }),
  );

  onSend<Common & { reason: string }>(
    eventCommand(
      program,
      'demote',
      'demote a certified connector to community (DEMOTE)',
    ).requiredOption('--reason <text>', 'why'),
    context,
    (o) => ({ type: 'DEMOTE', reason: o.reason }),
  );

  onSend<Common & { reason: string; noticeDays?: number; replacement?: string }>(
    eventCommand(
      program,
      'deprecate',
      'deprecate a connector; it is archived when the notice ends (DEPRECATE)',
    )
      .requiredOption('--reason <text>', 'why')
      .option('--notice-days <n>', 'days until it is archived (decimals allowed)', parseNonNegative)
      .option('--replacement <id>', 'the connector to use instead'),
    context,
    (o) => ({
      type: 'DEPRECATE',
      reason: o.reason,
      ...(o.noticeDays !== undefined ? { noticeDays: o.noticeDays } : {}),
      ...(o.replacement !== undefined ? { replacement: o.replacement } : {}),
    }),
  );

  onSend<Common & { reason?: string }>(
    eventCommand(program, 'cancel-deprecation', 'cancel a deprecation (CANCEL_DEPRECATION)').option(
      '--reason <text>',
      'why',
    ),
    context,
    (o) => ({
      type: 'CANCEL_DEPRECATION',
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
    }),
  );

  onSend<Common & { reason: string }>(
    eventCommand(program, 'archive', 'archive a community connector now (ARCHIVE)').requiredOption(
      '--reason <text>',
      'why',
    ),
    context,
    (o) => ({ type: 'ARCHIVE', reason: o.reason }),
  );

  onSend<
    Common & {
      tag: string;
      cdk?: string;
      breakingMessage?: string;
      upgradeDeadline?: string;
      migrationUrl?: string;
    }
  >(
    eventCommand(program, 'release', 'record a new release (PUBLISH_RELEASE)')
      .requiredOption(
        '--tag <version>',
        'the new dockerImageTag (semver, greater than the current)',
      )
      .option('--cdk <version>', 'the CDK version of this release')
      .option('--breaking-message <text>', 'a breaking change: what breaks')
      .option('--upgrade-deadline <date>', 'a breaking change: YYYY-MM-DD or ISO timestamp')
      .option('--migration-url <url>', 'a breaking change: the migration guide'),
    context,
    (o) => {
      const breaking = [o.breakingMessage, o.upgradeDeadline, o.migrationUrl];
      if (breaking.some((v) => v !== undefined) && !breaking.every((v) => v !== undefined)) {
        throw new UsageError(
          'A breaking change needs --breaking-message, --upgrade-deadline and --migration-url together.',
        );
      }
      return {
        type: 'PUBLISH_RELEASE',
        dockerImageTag: o.tag,
        ...(o.cdk !== undefined ? { cdkVersion: o.cdk } : {}),
        ...(o.breakingMessage !== undefined
          ? {
              breakingChange: {
                message: o.breakingMessage,
                upgradeDeadline: o.upgradeDeadline!,
                migrationDocumentationUrl: o.migrationUrl!,
              },
            }
          : {}),
      };
    },
  );

  const unarchive = program
    .command('unarchive')
    .description('ask for an archived connector back, and review such requests');

  onSend<Common & { justification: string; tag: string; cdk: string }>(
    eventCommand(
      unarchive,
      'request',
      'ask to un-archive and take over maintenance (REQUEST_UNARCHIVE; gated)',
      {
        gate: true,
      },
    )
      .requiredOption('--justification <text>', 'why it should come back')
      .requiredOption('--tag <version>', 'the updated dockerImageTag')
      .requiredOption('--cdk <version>', 'its CDK version (at least the current one)'),
    context,
    (o) => ({
      type: 'REQUEST_UNARCHIVE',
      justification: o.justification,
      dockerImageTag: o.tag,
      cdkVersion: o.cdk,
    }),
  );

  onSend<Common & { reason?: string }>(
    eventCommand(
      unarchive,
      'approve',
      'approve a reviewed request: back to community (APPROVE_UNARCHIVE)',
    ).option('--reason <text>', 'why'),
    context,
    (o) => ({ type: 'APPROVE_UNARCHIVE', ...(o.reason !== undefined ? { reason: o.reason } : {}) }),
  );

  onSend<Common & { reason: string }>(
    eventCommand(
      unarchive,
      'reject',
      'reject a request: stays archived (REJECT_UNARCHIVE)',
    ).requiredOption('--reason <text>', 'why'),
    context,
    (o) => ({ type: 'REJECT_UNARCHIVE', reason: o.reason }),
  );
}
