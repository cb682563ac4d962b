/**
 * Redis key layout. Every key of one connector carries the hash tag `{<id>}` so that a commit's
 * keys of that connector stay together; the shared indexes and the outbox are few, global keys.
 */
export class Keys {
  constructor(readonly prefix: string) {}

  connector(id: string): string {
    return `${this.prefix}:connector:{${id}}`;
  }
  history(id: string): string {
    return `${this.prefix}:history:{${id}}`;
  }
  runs(id: string): string {
    return `${this.prefix}:runs:{${id}}`;
  }
  /** every connector id, lexicographic (score 0) */
  allConnectors(): string {
    return `${this.prefix}:idx:all`;
  }
  /** hash: definitionId → the id of the connector that holds it (SPEC §4: unique) */
  definitionIds(): string {
    return `${this.prefix}:idx:definition-ids`;
  }
  bySupportLevel(level: string): string {
    return `${this.prefix}:idx:level:${level}`;
  }
  byStatus(status: string): string {
    return `${this.prefix}:idx:status:${status}`;
  }
  byState(state: string): string {
    return `${this.prefix}:idx:state:${state}`;
  }
  byType(type: string): string {
    return `${this.prefix}:idx:type:${type}`;
  }
  outbox(): string {
    return `${this.prefix}:outbox`;
  }
  /** outbox entries that cannot be relayed, with the reason (see outbox-relay.ts) */
  outboxDeadLetters(): string {
    return `${this.prefix}:outbox:dead`;
  }
  catalogEntries(): string {
    return `${this.prefix}:catalog:entries`;
  }
  /** connectors whose catalog entry is to be refreshed by the next catalog flush job */
  catalogDirty(): string {
    return `${this.prefix}:catalog:dirty`;
  }
  /** the dirty connectors one flush job took and has not refreshed yet (kept across its retries) */
  catalogFlushing(jobId: string): string {
    return `${this.prefix}:catalog:flushing:${jobId}`;
  }
  catalogMeta(): string {
    return `${this.prefix}:catalog:meta`;
  }
  tokens(): string {
    return `${this.prefix}:tokens`;
  }
  tokenByHash(hash: string): string {
    return `${this.prefix}:token-hash:${hash}`;
  }
  subscriptions(): string {
    return `${this.prefix}:subscriptions`;
  }

  /** bumped by every subscription change: processes that keep an index of them reload on a move */
  subscriptionsVersion(): string {
    return `${this.prefix}:subscriptions:version`;
  }
  /** the pub/sub channel told of every subscription change (its payload: the subscription's id) */
  subscriptionsChanged(): string {
    return `${this.prefix}:subscriptions:changed`;
  }
  deliveries(subscriptionId: string): string {
    return `${this.prefix}:deliveries:${subscriptionId}`;
  }
  usage(connectorId: string): string {
    return `${this.prefix}:usage:{${connectorId}}`;
  }
  /** bumped by every usage upsert of the connector: the archival sweep's compare-and-set token */
  usageStamp(connectorId: string): string {
    return `${this.prefix}:usage-stamp:{${connectorId}}`;
  }
  sweep(id: string): string {
    return `${this.prefix}:sweep:${id}`;
  }
  /** every sweep id, scored by creation time (ms) */
  sweepIndex(): string {
    return `${this.prefix}:sweeps`;
  }
  sweepLock(): string {
    return `${this.prefix}:sweep-lock`;
  }
  /** bumped by every token create and revoke: processes drop their token cache on a move */
  tokensVersion(): string {
    return `${this.prefix}:tokens:version`;
  }
  rateLimit(who: string, window: number): string {
    return `${this.prefix}:ratelimit:${who}:${window}`;
  }
  /** failed authentications of one client address in one minute */
  authFailures(address: string, window: number): string {
    return `${this.prefix}:auth-failures:${address}:${window}`;
  }
  idempotency(hash: string): string {
    return `${this.prefix}:idempotency:${hash}`;
  }
  /** BullMQ's own prefix: its keys live apart from ours. */
  queuePrefix(): string {
    return `${this.prefix}-bull`;
  }
}
