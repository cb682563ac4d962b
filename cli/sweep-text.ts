import type { Sweep, SweepCandidate } from './api-types.js';
import { duration, shortId, table, when } from './tables.js';

function reasonsText(c: SweepCandidate): string {
  return c.reasons
    .map((r) =>
      r.code === 'low_usage'
        ? `low usage: ${r.usage} connection-days in ${r.windowDays} days (min ${r.threshold})`
        : `unmaintained: no release for ${r.daysSinceRelease} days (limit ${r.thresholdDays})`,
    )
    .join('\n');
}

/** A sweep's report: what it scanned, its candidates with their reasons, and what it did. */
export function sweepText(s: Sweep): string {
  const head = [
    `Sweep ${s.id}${s.dryRun ? ' (dry run: nothing changed)' : ''}: ${s.status}` +
      (s.finishedAt ? ` in ${duration(s.startedAt ?? s.createdAt, s.finishedAt)}` : '') +
      `, ${s.trigger} by ${s.requestedBy} at ${when(s.createdAt)}.`,
  ];
  if (s.error) head.push(`Error: ${s.error}`);
  if (s.status !== 'completed' && s.status !== 'failed') return head.join('\n');
  head.push(
    `Scanned ${s.scanned.community} community and ${s.scanned.certified} certified connectors ` +
      `(${s.scanned.oldEnough} old enough); ${s.summary.candidates} candidates: ` +
      `${s.summary.deprecated} deprecated, ${s.summary.reviewSuggested} review suggested, ${s.summary.skipped} skipped.`,
  );
  if (!s.candidates.length) return head.join('\n');
  return `${head.join('\n')}\n${table(
    ['connector', 'level', 'reasons', 'action', 'archive at'],
    s.candidates.map((c) => [
      c.connectorId,
      c.supportLevel,
      reasonsText(c),
      c.detail ? `${c.action} (${c.detail})` : c.action,
      when(c.archiveAt),
    ]),
  )}`;
}

export function sweepStartedText(s: { id: string; dryRun: boolean }): string {
  return (
    `Sweep ${s.id} queued${s.dryRun ? ' (dry run: nothing will change)' : ''}.\n` +
    `Run "lifecycle sweep --wait" to wait for a sweep's report; this one is at /v1/archival-sweeps/${s.id} (${shortId(s.id)}).`
  );
}
