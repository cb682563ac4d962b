import { splitState } from '../../machines/connector-lifecycle.js';
import { withFields } from '../../machines/with-fields.js';
import { toCatalogEntry } from '../catalog/catalog-entry.js';
import type { Keys } from './keys.js';
import type { AcceptanceRunRecord, ConnectorRecord, HistoryEntry, OutboxEntry } from './records.js';

export interface CommitInput {
  /** 0 to create the connector (fails if it exists) */
  expectedVersion: number;
  /** the state before (null on create), for the index moves */
  previous: ConnectorRecord | null;
  next: ConnectorRecord;
  history: Omit<HistoryEntry, 'version'>;
  outbox: Omit<OutboxEntry, 'version'>[];
  runs: AcceptanceRunRecord[];
  /** commit only if this key still holds this value (a missing key reads '0') */
  guard?: CommitGuard;
}

export interface CommitGuard {
  key: string;
  value: string;
}

/** Who wants a notification: the subscriptions a process holds (SubscriptionIndex). */
export interface NotificationAudience {
  /**
   * The subscriptions' version as of which no subscription wants a notification of `type` about
   * `connectorId`; null when one does or when it cannot tell.
   */
  unmatchedAt(type: string, connectorId: string): number | null;
}

/**
 * The keys and arguments of COMMIT_EVENT (src/store/redis-scripts.ts) for one commit. The catalog
 * effect is the commit's own write (the connector's catalog entry); the other effects go to the
 * outbox, but a notification that `audience` says no subscription wants goes as unwanted: the
 * script leaves it out if the subscriptions' version is still the one `audience` answered for.
 */
export function commitEventCall(
  k: Keys,
  input: CommitInput,
  audience?: NotificationAudience,
): { keys: string[]; args: (string | number)[] } {
  const id = input.next.context.id;
  const next = splitState(input.next.state);
  const prev = input.previous ? splitState(input.previous.state) : next;
  const version = input.expectedVersion + 1;
  const history: HistoryEntry = withFields(input.history, { version });
  const catalog = input.outbox.some((entry) => entry.effect.kind === 'catalog');
  const catalogEntry = catalog ? toCatalogEntry(withFields(input.next, { version })) : null;
  const outbox = input.outbox.filter((entry) => entry.effect.kind !== 'catalog');
  let unwantedAt: number | null = null;
  const unwanted = outbox.map(({ effect }) => {
    if (effect.kind !== 'notify' || !audience) return '0';
    const at = audience.unmatchedAt(effect.type, id);
    if (at === null || (unwantedAt !== null && at !== unwantedAt)) return '0';
    unwantedAt = at;
    return '1';
  });
  const args: (string | number)[] = [
    input.expectedVersion,
    id,
    JSON.stringify(input.next),
    JSON.stringify(history),
    input.runs.length,
    ...input.runs.flatMap((run) => [run.id, JSON.stringify(run)]),
    catalog ? input.history.at : '',
    catalogEntry ? JSON.stringify(catalogEntry) : '',
    unwantedAt ?? '',
    unwanted.join(''),
    ...outbox.map((entry) => JSON.stringify(withFields(entry, { version }))),
    input.guard?.value ?? '',
  ];
  const keys = [
    k.connector(id),
    k.history(id),
    k.outbox(),
    k.allConnectors(),
    k.bySupportLevel(prev.supportLevel),
    k.byStatus(prev.status),
    k.bySupportLevel(next.supportLevel),
    k.byStatus(next.status),
    k.byType(input.next.context.type),
    k.runs(id),
    k.byState(input.previous?.state ?? input.next.state),
    k.byState(input.next.state),
    k.definitionIds(),
    k.subscriptionsVersion(),
    k.catalogEntries(),
    k.catalogMeta(),
    // the guard stays the last key (and its value the last argument)
    input.guard?.key ?? k.usageStamp(id),
  ];
  return { keys, args };
}
