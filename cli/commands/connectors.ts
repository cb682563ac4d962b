import { Option, type Command } from 'commander';
import { CONNECTOR_TYPES, STATUSES, SUPPORT_LEVELS } from '../../machines/connector-types.js';
import type { AcceptanceRun, HistoryEntry, RegistrationRequest } from '../api-types.js';
import { UsageError } from '../cli-errors.js';
import { connectorTable, connectorText } from '../connector-text.js';
import type { ContextFactory } from '../context.js';
import { parseYaml, readJsonOrYaml } from '../files/read-document.js';
import { integerIn } from '../option-parsers.js';
import { allConnectors, MAX_PAGE_SIZE } from '../pagination.js';
import { count, duration, shortId, table, when } from '../tables.js';

interface ListOptions {
  supportLevel?: string;
  status?: string;
  type?: string;
  query?: string;
  pageSize: number;
}

/** What an event carried, in a few words, for the history table. */
function payloadSummary(payload: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['reason', 'justification', 'dockerImageTag', 'noticeDays', 'replacement']) {
    const value = payload[key];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      parts.push(`${key}: ${value}`);
    }
  }
  if (payload.breakingChange) parts.push('breaking change');
  return parts.join('; ');
}

function historyTable(items: HistoryEntry[]): string {
  return table(
    ['version', 'at', 'event', 'actor', 'from → to', 'details'],
    items.map((h) => [
      h.version,
      when(h.at),
      h.type,
      h.actor,
      `${h.from ?? '(new)'} → ${h.to}`,
      payloadSummary(h.payload),
    ]),
  );
}

function runsTable(items: AcceptanceRun[]): string {
  return table(
    ['run', 'event', 'image', 'status', 'started', 'duration', 'tests', 'exit code'],
    items.map((r) => [
      shortId(r.id),
      r.eventType,
      r.image,
      r.outcome ?? r.status,
      when(r.startedAt),
      r.startedAt ? duration(r.startedAt, r.finishedAt) : null,
      r.tests ? `${r.tests.passed}/${r.tests.total} passed` : null,
      r.exitCode,
    ]),
  );
}

export function connectorsCommands(program: Command, context: ContextFactory): void {
  const group = program
    .command('connectors')
    .description('list, show and register connectors; their history, runs and metadata');

  group
    .command('list')
    .description('list connectors (every page), optionally filtered')
    .addOption(
      new Option('--support-level <level>', 'only this support level').choices(SUPPORT_LEVELS),
    )
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .addOption(new Option('--type <type>', 'only sources or destinations').choices(CONNECTOR_TYPES))
    .option('--query <text>', 'only connectors whose id or name contains this text')
    .option(
      '--page-size <n>',
      'connectors fetched per request',
      integerIn(1, MAX_PAGE_SIZE),
      MAX_PAGE_SIZE,
    )
    .action(async (opts: ListOptions, cmd: Command) => {
      const { client, out } = context(cmd);
      const items = await allConnectors(
        client,
        { supportLevel: opts.supportLevel, status: opts.status, type: opts.type, q: opts.query },
        opts.pageSize,
      );
      out.result(items, (list) =>
        list.length
          ? `${connectorTable(list)}\n${count(list.length, 'connector')}`
          : 'No connectors.',
      );
    });

  group
    .command('show')
    .description('one connector: its state, allowed events and fields')
    .argument('<id>', 'connector id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      out.result(await client.getConnector(id), connectorText);
    });

  group
    .command('register')
    .description('register a connector described by a JSON or YAML file')
    .requiredOption('--file <path>', 'the registration body (.json, .yaml or .yml)')
    .action(async (opts: { file: string }, cmd: Command) => {
      const { client, out } = context(cmd);
      const body = await readJsonOrYaml(opts.file);
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new UsageError(`${opts.file}: expected one object (the connector to register)`);
      }
      const connector = await client.registerConnector(body as RegistrationRequest);
      out.result(connector, (c) => `Registered ${c.id}.\n\n${connectorText(c)}`);
    });

  group
    .command('history')
    .description('every accepted event of a connector, oldest first')
    .argument('<id>', 'connector id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      out.result(await client.history(id), (h) => historyTable(h.items));
    });

  group
    .command('runs')
    .description("a connector's acceptance-test runs and their results")
    .argument('<id>', 'connector id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      out.result(await client.acceptanceRuns(id), (runs) => {
        if (!runs.items.length) return `No acceptance runs for ${id}.`;
        const last = runs.items.at(-1)!;
        const reason = last.reason ? `\nLast run: ${last.reason}` : '';
        return `${runsTable(runs.items)}${reason}`;
      });
    });

  group
    .command('metadata')
    .description("the connector as Airbyte's metadata.yaml (with --json: the same as JSON)")
    .argument('<id>', 'connector id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { client, out } = context(cmd);
      const yaml = await client.metadataYaml(id);
      if (out.json) out.document(await parseYaml(yaml, `metadata.yaml of ${id}`));
      else out.text(yaml);
    });
}
