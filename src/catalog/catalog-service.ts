import type { Redis } from 'ioredis';
import type { ConnectorStore } from '../store/connector-store.js';
import type { Keys } from '../store/keys.js';
import { CLAIM_CATALOG_DIRTY, UPSERT_CATALOG_ENTRIES } from '../store/redis-scripts.js';
import type { CatalogDocument as CatalogResponse } from '../http/contract/catalog-document.js';
import { parseCatalogEntry, toCatalogEntry } from './catalog-entry.js';

/** The catalog as kept in Redis; the routes add the support levels (SPEC §11). */
export type CatalogDocument = Omit<CatalogResponse, 'supportLevels'>;

/** How long a loaded catalog document is served before a newer catalog version is loaded. */
export const CATALOG_RELOAD_AFTER_MS = 100;

export interface CatalogServiceOptions {
  /** default CATALOG_RELOAD_AFTER_MS */
  reloadAfterMs?: number;
  /** the clock of that interval (ms) */
  now?: () => number;
}

/**
 * The public catalog, kept in Redis as one entry per listed connector plus a version counter. A
 * commit writes its connector's entry in the same step (src/store/lua/commit-event.lua); the
 * catalog worker refreshes entries from their current snapshots for outbox entries written by an
 * earlier release, and on request (idempotent: an older connector version never overwrites a
 * newer one). Readers get a document cached per version, loaded again at most every
 * `reloadAfterMs`: while events flow the version moves with every commit, and each load reads
 * every entry.
 */
export class CatalogService {
  private cached: CatalogDocument | null = null;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private versionRead: Promise<number> | null = null;
  private loading: Promise<CatalogDocument> | null = null;
  private readonly reloadAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly store: ConnectorStore,
    options: CatalogServiceOptions = {},
  ) {
    this.reloadAfterMs = options.reloadAfterMs ?? CATALOG_RELOAD_AFTER_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Brings the catalog entries of these connectors up to date: one pipelined read of their
   * snapshots, then one script for all their entries (the catalog's version moves once, if any
   * changed); returns the catalog version after.
   */
  async refreshMany(connectorIds: readonly string[]): Promise<number> {
    const ids = [...new Set(connectorIds)];
    const connectors = await this.store.getMany(ids);
    const args: (string | number)[] = [new Date().toISOString()];
    ids.forEach((id, i) => {
      const connector = connectors[i];
      if (!connector) return;
      const entry = toCatalogEntry(connector);
      args.push(id, connector.version, entry ? JSON.stringify(entry) : '');
    });
    if (args.length === 1) return this.version();
    const keys = [this.keys.catalogEntries(), this.keys.catalogMeta()];
    return Number(await UPSERT_CATALOG_ENTRIES.run(this.redis, keys, args));
  }

  /**
   * Refreshes every connector marked dirty (by the relay) until none is left, `batch` at a time;
   * `jobId` names the flush job, whose taken connectors survive a crash and are refreshed by its
   * retry. Returns the catalog version after.
   */
  async flushDirty(jobId: string, batch = 500): Promise<number> {
    const flushing = this.keys.catalogFlushing(jobId);
    let version: number | null = null;
    let ids = await this.redis.smembers(flushing);
    for (;;) {
      if (ids.length === 0) {
        ids = (await CLAIM_CATALOG_DIRTY.run(
          this.redis,
          [this.keys.catalogDirty(), flushing],
          [batch],
        )) as string[];
        if (ids.length === 0) return version ?? this.version();
      }
      version = await this.refreshMany(ids);
      await this.redis.del(flushing);
      ids = [];
    }
  }

  async version(): Promise<number> {
    return Number((await this.redis.hget(this.keys.catalogMeta(), 'version')) ?? 0);
  }

  /**
   * The catalog document, cached per catalog version: one small read (the version) when nothing
   * changed, none when the caller read it already (`knownVersion`: the API's admission check reads
   * it in its round trip). A newer version is loaded once the cached document is `reloadAfterMs`
   * old, or at once when the caller has seen a newer one (`seen`: the version a conditional
   * request's ETag names, up to `knownVersion`): a client never gets a catalog older than one it
   * holds. Concurrent readers share one version read and one load of a new version.
   */
  async document(knownVersion?: number, seen = 0): Promise<CatalogDocument> {
    let version = knownVersion;
    if (version === undefined) {
      this.versionRead ??= this.version().finally(() => (this.versionRead = null));
      version = await this.versionRead;
    }
    const atLeast = Math.min(seen, version);
    for (;;) {
      const cached = this.cached;
      if (
        cached &&
        (cached.catalogVersion >= version ||
          (cached.catalogVersion >= atLeast && this.now() - this.loadedAt < this.reloadAfterMs))
      ) {
        return cached;
      }
      this.loading ??= this.load().finally(() => (this.loading = null));
      const doc = await this.loading;
      // A load that started before `version` was read may have read an older catalog: load again.
      if (doc.catalogVersion >= version) return doc;
    }
  }

  private async load(): Promise<CatalogDocument> {
    const startedAt = this.now();
    const reply = await this.redis
      .multi()
      .hmget(this.keys.catalogMeta(), 'version', 'generatedAt')
      .hvals(this.keys.catalogEntries())
      .exec();
    const [meta, values] = (reply ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    }) as [[string | null, string | null], string[]];
    const doc: CatalogDocument = {
      catalogVersion: Number(meta[0] ?? 0),
      generatedAt: meta[1],
      connectors: values
        .map(parseCatalogEntry)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    };
    if (!this.cached || doc.catalogVersion >= this.cached.catalogVersion) {
      this.cached = doc;
      this.loadedAt = startedAt;
    }
    return doc;
  }
}
