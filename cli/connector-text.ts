import type { Connector } from './api-types.js';
import { fields, table, when } from './tables.js';

/** The readable form of one connector: its state and what may happen next first. */
export function connectorText(c: Connector): string {
  const pairs: [string, string | number | null][] = [
    ['id', c.id],
    ['name', c.name],
    ['state', `${c.state} (version ${c.version})`],
    ['allowed events', c.allowedEvents.length ? c.allowedEvents.join(', ') : 'none'],
    ['type', c.type],
    ['language', c.language],
    ['image', `${c.dockerRepository}:${c.dockerImageTag}`],
    ['cdk', c.cdkVersion],
    ['maintainers', c.maintainers.join(', ')],
    ['definition id', c.definitionId],
  ];
  if (c.deprecation) {
    const d = c.deprecation;
    pairs.push([
      'deprecation',
      `${d.reason} (archived at ${when(d.archiveAt)}${d.replacement ? `; replacement ${d.replacement}` : ''}${d.automated ? '; automated' : ''})`,
    ]);
  }
  if (c.acceptanceRun) {
    const g = c.acceptanceRun;
    pairs.push([
      'acceptance run',
      `${g.runId} (${g.purpose} of ${g.image}, requested by ${g.requestedBy} at ${when(g.requestedAt)})`,
    ]);
  }
  if (c.unarchiveRequest) {
    const u = c.unarchiveRequest;
    pairs.push([
      'unarchive request',
      `${u.outcome}: by ${u.requester}, ${u.dockerImageTag} (cdk ${u.cdkVersion}): ${u.justification}`,
    ]);
  }
  pairs.push(['last release', when(c.lastReleaseAt)]);
  pairs.push(['created', when(c.createdAt)]);
  pairs.push(['updated', when(c.updatedAt)]);
  let text = fields(pairs);
  const breaking = Object.entries(c.breakingChanges);
  if (breaking.length) {
    text += `\n\nBreaking changes:\n${table(
      ['version', 'upgrade deadline', 'message'],
      breaking.map(([version, b]) => [version, when(b.upgradeDeadline), b.message]),
    )}`;
  }
  return text;
}

/** Connectors as table rows. */
export function connectorTable(connectors: Connector[]): string {
  return table(
    ['id', 'name', 'type', 'state', 'version', 'tag', 'archive at'],
    connectors.map((c) => [
      c.id,
      c.name,
      c.type,
      c.state,
      c.version,
      c.dockerImageTag,
      c.deprecation ? when(c.deprecation.archiveAt) : null,
    ]),
  );
}
