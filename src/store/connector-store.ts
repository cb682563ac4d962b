import type { Redis } from 'ioredis';
import { splitState } from '../../machines/connector-lifecycle.js';
import {
  AlreadyExistsError,
  ConcurrentChangeError,
  DefinitionIdExistsError,
  LifecycleError,
  NotFoundError,
} from '../errors.js';
import { commitEventCall, type CommitInput, type NotificationAudience } from './commit-call.js';
import { Keys } from './keys.js';
import type {
  AcceptanceRunRecord,
  ConnectorRecord,
  HistoryEntry,
  OutboxEntry,
  StoredConnector,
} from './records.js';
import {
  COMMIT_EVENT,
  READ_CONNECTORS,
  READ_CONNECTORS_BATCH,
  SAVE_RUN_UNLESS_FINAL,
} from './redis-scripts.js';
import { migrateRecord, type MigrationOptions } from './snapshot-migrations.js';
import { withFields } from '../../machines/with-fields.js';

export interface ListFilter {
  supportLevel?: string;
  status?: string;
  type?: string;
  q?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type CommitReply =
  | [1, number]
  | [0, 'exists' | 'missing' | 'conflict' | 'guard', number]
  | [0, 'definition', string];

/** Connectors, their history and acceptance runs in Redis; every change is one atomic commit. */
export class ConnectorStore {
  readonly keys: Keys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly migration?: MigrationOptions,
    /** lets commits leave out the notifications no subscription wants (see commitEventCall) */
    private readonly audience?: NotificationAudience,
  ) {
    this.keys = new Keys(prefix);
  }

  /** Commits an event with compare-and-set on version; returns the new version. */
  async commit(input: CommitInput): Promise<number> {
    const { keys, args } = commitEventCall(this.keys, input, this.audience);
    const reply = (await COMMIT_EVENT.run(this.redis, keys, args)) as CommitReply;
    return this.commitResult(input, reply);
  }

  /**
   * Commits many events (of different connectors) in one pipeline: one round trip for all. Each
   * commit is still atomic on its own; each result is the new version or the error of that commit.
   */
  async commitMany(inputs: CommitInput[]): Promise<(number | LifecycleError)[]> {
    if (inputs.length === 0) return [];
    const calls = inputs.map((input) => commitEventCall(this.keys, input, this.audience));
    const replies = await COMMIT_EVENT.runMany(this.redis, calls);
    return replies.map((reply, i) => {
      if (reply instanceof Error) throw reply;
      try {
        return this.commitResult(inputs[i]!, reply as CommitReply);
      } catch (err) {
        if (err instanceof LifecycleError) return err;
        throw err;
      }
    });
  }

  private commitResult(input: CommitInput, reply: CommitReply): number {
    const id = input.next.context.id;
    if (reply[0] === 1) return reply[1];
    switch (reply[1]) {
      case 'definition': {
        const definitionId = input.next.context.definitionId;
        throw new DefinitionIdExistsError(
          `Connector "${reply[2]}" already has definitionId ${definitionId}.`,
          { definitionId, connectorId: reply[2] },
        );
      }
      case 'exists':
        throw new AlreadyExistsError(`A connector with id "${id}" already exists.`, { id });
      case 'missing':
        throw new NotFoundError(`No connector with id "${id}".`, { id });
      case 'guard':
        throw new ConcurrentChangeError(
          `Connector "${id}" was changed concurrently (${input.guard?.key} moved on); reload it and try again.`,
          { id, currentVersion: reply[2], expectedVersion: input.expectedVersion, guard: true },
        );
      default:
        throw new ConcurrentChangeError(
          `Connector "${id}" was changed concurrently (now at version ${reply[2]}, expected ${input.expectedVersion}); reload it and try again.`,
          { id, currentVersion: reply[2], expectedVersion: input.expectedVersion },
        );
    }
  }

  async get(id: string): Promise<StoredConnector | null> {
    const [version, doc] = await this.redis.hmget(this.keys.connector(id), 'version', 'doc');
    return version && doc ? this.decode(version, doc) : null;
  }

  /**
   * The connector, or 404. `prefetched`: the connector's `version` and `doc` as the caller already
   * read them in a round trip of its own (used when it is this connector's).
   */
  async require(
    id: string,
    prefetched?: { id: string; raw: [version: string | null, doc: string | null] },
  ): Promise<StoredConnector> {
    const found =
      prefetched?.id === id
        ? prefetched.raw[0] && prefetched.raw[1]
          ? this.decode(prefetched.raw[0], prefetched.raw[1])
          : null
        : await this.get(id);
    if (!found) throw new NotFoundError(`No connector with id "${id}".`, { id });
    return found;
  }

  /**
   * Connectors by id, in the order given (null where none): one script per READ_CONNECTORS_BATCH
   * ids, all in one round trip.
   */
  async getMany(ids: string[]): Promise<(StoredConnector | null)[]> {
    if (ids.length === 0) return [];
    const calls: { keys: string[]; args: string[] }[] = [];
    for (let i = 0; i < ids.length; i += READ_CONNECTORS_BATCH) {
      const keys = ids.slice(i, i + READ_CONNECTORS_BATCH).map((id) => this.keys.connector(id));
      calls.push({ keys, args: [] });
    }
    const replies = await READ_CONNECTORS.runMany(this.redis, calls);
    return replies.flatMap((reply) => {
      if (reply instanceof Error) throw reply;
      return (reply as [string | null, string | null][]).map(([version, doc]) =>
        version && doc ? this.decode(version, doc) : null,
      );
    });
  }

  /** Connectors in id order, filtered; the cursor is the last id of the previous page. */
  async list(
    filter: ListFilter,
    limit: number,
    cursor: string | null,
  ): Promise<Page<StoredConnector>> {
    const k = this.keys;
    const index =
      filter.status && filter.supportLevel
        ? k.byState(`${filter.supportLevel}.${filter.status}`)
        : filter.status
          ? k.byStatus(filter.status)
          : filter.supportLevel
            ? k.bySupportLevel(filter.supportLevel)
            : filter.type
              ? k.byType(filter.type)
              : k.allConnectors();
    const q = filter.q?.toLowerCase();
    const matches = (c: StoredConnector) => {
      const { supportLevel, status } = splitState(c.state);
      if (filter.supportLevel && supportLevel !== filter.supportLevel) return false;
      if (filter.status && status !== filter.status) return false;
      if (filter.type && c.context.type !== filter.type) return false;
      if (
        q &&
        !`${c.context.id} ${c.context.name} ${c.context.dockerRepository}`.toLowerCase().includes(q)
      ) {
        return false;
      }
      return true;
    };
    const items: StoredConnector[] = [];
    let from = cursor ? `(${cursor}` : '-';
    const chunk = Math.max(limit * 2, 100);
    for (;;) {
      const ids = await this.redis.zrangebylex(index, from, '+', 'LIMIT', 0, chunk);
      if (ids.length === 0) return { items, nextCursor: null };
      const found = await this.getMany(ids);
      for (const [i, connector] of found.entries()) {
        if (!connector || !matches(connector)) continue;
        items.push(connector);
        if (items.length === limit) {
          const last = ids[i]!;
          const more =
            i < ids.length - 1 ||
            (await this.redis.zrangebylex(index, `(${last}`, '+', 'LIMIT', 0, 1)).length > 0;
          return { items, nextCursor: more ? last : null };
        }
      }
      if (ids.length < chunk) return { items, nextCursor: null };
      from = `(${ids[ids.length - 1]!}`;
    }
  }

  /**
   * The connectors that hold these definitionIds in the index the commit claims atomically (null:
   * free), in the order given.
   */
  async definitionIdHolders(definitionIds: string[]): Promise<(string | null)[]> {
    if (definitionIds.length === 0) return [];
    return this.redis.hmget(this.keys.definitionIds(), ...definitionIds);
  }

  /**
   * Indexes the definitionIds of connectors stored before the index existed (HSETNX: a commit's
   * own claim always wins); returns the connectors whose definitionId another one already holds.
   * Nothing to do (two reads) once every connector is indexed.
   */
  async backfillDefinitionIds(): Promise<{ id: string; definitionId: string; holder: string }[]> {
    const index = this.keys.definitionIds();
    const [indexed, connectors] = await Promise.all([
      this.redis.hlen(index),
      this.redis.zcard(this.keys.allConnectors()),
    ]);
    const clashes: { id: string; definitionId: string; holder: string }[] = [];
    if (indexed >= connectors) return clashes;
    let from = '-';
    for (;;) {
      const ids = await this.redis.zrangebylex(
        this.keys.allConnectors(),
        from,
        '+',
        'LIMIT',
        0,
        500,
      );
      if (ids.length === 0) return clashes;
      const found = (await this.getMany(ids)).filter((c): c is StoredConnector => c !== null);
      const pipeline = this.redis.pipeline();
      for (const c of found) {
        pipeline.hsetnx(index, c.context.definitionId, c.context.id);
        pipeline.hget(index, c.context.definitionId);
      }
      const replies = (await pipeline.exec()) ?? [];
      found.forEach((c, i) => {
        const [err, holder] = replies[2 * i + 1] ?? [null, null];
        if (err) throw err;
        if (typeof holder === 'string' && holder !== c.context.id) {
          clashes.push({ id: c.context.id, definitionId: c.context.definitionId, holder });
        }
      });
      from = `(${ids[ids.length - 1]!}`;
    }
  }

  /** Every connector id in a state, in id order (for sweeps). */
  async idsInState(state: string): Promise<string[]> {
    return this.redis.zrange(this.keys.byState(state), '0', '-1');
  }

  /** The run ids of the acceptance effects still waiting in the outbox (not yet relayed). */
  async pendingAcceptanceRunIds(): Promise<Set<string>> {
    const runIds = new Set<string>();
    let start = '-';
    for (;;) {
      const entries = await this.redis.xrange(this.keys.outbox(), start, '+', 'COUNT', 1000);
      for (const [, fields] of entries) {
        try {
          const entry = JSON.parse(fields[fields.indexOf('effect') + 1] ?? '') as OutboxEntry;
          if (entry.effect.kind === 'acceptance') runIds.add(entry.effect.runId);
        } catch {
          // an unreadable entry: the relay moves it to the dead-letter stream
        }
      }
      if (entries.length < 1000) return runIds;
      start = `(${entries[entries.length - 1]![0]}`;
    }
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const raw = await this.redis.lrange(this.keys.history(id), 0, -1);
    return raw.map((entry) => JSON.parse(entry) as HistoryEntry);
  }

  async runs(id: string): Promise<AcceptanceRunRecord[]> {
    const raw = await this.redis.hvals(this.keys.runs(id));
    return raw
      .map((entry) => JSON.parse(entry) as AcceptanceRunRecord)
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
  }

  async getRun(connectorId: string, runId: string): Promise<AcceptanceRunRecord | null> {
    const raw = await this.redis.hget(this.keys.runs(connectorId), runId);
    return raw ? (JSON.parse(raw) as AcceptanceRunRecord) : null;
  }

  /**
   * Saves a run record unless the stored one is final (it has an outcome): returns the record now
   * stored, which is `run` or the final record that was kept.
   */
  async saveRun(run: AcceptanceRunRecord): Promise<AcceptanceRunRecord> {
    const reply = (await SAVE_RUN_UNLESS_FINAL.run(
      this.redis,
      [this.keys.runs(run.connectorId)],
      [run.id, JSON.stringify(run)],
    )) as [1] | [0, string];
    return reply[0] === 1 ? run : (JSON.parse(reply[1]) as AcceptanceRunRecord);
  }

  private decode(version: string, doc: string): StoredConnector {
    const record = migrateRecord(JSON.parse(doc) as ConnectorRecord, this.migration);
    return withFields(record, { version: Number(version) });
  }
}
