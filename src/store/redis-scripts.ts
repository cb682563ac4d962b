import { LuaCommand } from './lua-command.js';

/**
 * Atomic Redis work as Lua scripts, named after what they do. Each runs as one unit: a reader never
 * sees half of a commit, and a crash never leaves half of one behind.
 */

/**
 * Commits one event of one connector: compare-and-set on `version`, the new snapshot, the history
 * entry, index moves, acceptance-run records, the connector's public catalog entry (when the
 * machine asked for a catalog effect: written here, with the rule of UPSERT_CATALOG_ENTRIES, so
 * the catalog moves in the same step as the connector) and the outbox entries of its other side
 * effects.
 *
 * KEYS: 1 connector hash, 2 history list, 3 outbox stream, 4 all-connectors index,
 *       5 old level index, 6 old status index, 7 new level index, 8 new status index,
 *       9 type index, 10 runs hash, 11 old state index, 12 new state index,
 *       13 definition ids hash (definitionId → connector id), 14 the subscriptions' version,
 *       15 catalog entries hash, 16 catalog meta hash, LAST (17): the guard key
 * ARGV: 1 expected version (0 = create), 2 connector id, 3 snapshot JSON, 4 history entry JSON,
 *       5 number of runs R, then R pairs (runId, run JSON), then the catalog's time ('' = no
 *       catalog effect) and the connector's catalog entry JSON ('' = not listed), then the
 *       subscriptions' version as of which the unwanted entries were unwanted ('' = none) and
 *       one character per outbox entry ('1' = unwanted), then the outbox entry JSONs,
 *       LAST: the guard value ('' = no guard)
 * The guard is always the last key and the last argument, whatever comes before them: the commit
 * happens only if the guard key still holds the guard value (a missing key reads '0'). The archival
 * sweep uses it with the connector's usage stamp (SPEC §10).
 * Each outbox entry is a stream entry `effect <JSON> subscriptions <version>`: the subscriptions'
 * version at the commit, with which the relay knows whether its subscription index is current.
 * An unwanted entry (a notification no subscription wanted) is left out when the subscriptions'
 * version is still the one it was unwanted as of: no relay would have delivered it to anyone.
 * Returns {1, newVersion} or {0, reason, currentVersion}; reason 'guard' when the guard moved;
 * reason 'definition' carries the id of the connector that holds the definitionId instead of a
 * version.
 */
export const COMMIT_EVENT = new LuaCommand('commit-event', { include: ['catalog-entry-upsert'] });

/**
 * Updates connectors' entries in the public catalog, each only if it is newer than the stored one,
 * in one atomic step: the catalog's version moves once for the whole call, when any entry changed.
 * KEYS: 1 catalog entries hash, 2 catalog meta hash
 * ARGV: 1 now ISO, then per connector: its id, its version, its entry JSON ('' = remove)
 * Returns the catalog version after the call.
 */
export const UPSERT_CATALOG_ENTRIES = new LuaCommand('upsert-catalog-entries', {
  include: ['catalog-entry-upsert'],
});

/**
 * Saves an acceptance-run record unless the stored one is final: once a run has an outcome, that
 * record is the one whose result the machine gets, and a duplicate run (a job handed back after a
 * stall while its first run went on) never overwrites it.
 *
 * KEYS: 1 runs hash
 * ARGV: 1 run id, 2 run JSON
 * Returns {1} when saved, or {0, stored JSON} when the stored record is final.
 */
export const SAVE_RUN_UNLESS_FINAL = new LuaCommand('save-run-unless-final');

/**
 * Admits one API request, in the one round trip it makes before its route (SPEC §10): refuses an
 * address locked out by failed authentications, else counts the request against its rate limit;
 * and reads the tokens' version, against which the process checks its token cache.
 *
 * KEYS: 1 the address's auth failures in this minute, 2 the caller's rate-limit counter of this
 *       minute, 3 the tokens' version, 4 (with a read) the connector's hash or the catalog's meta
 * ARGV: 1 the auth-failure limit (0: the request carries no credentials, no lock-out applies),
 *       2 what the route reads first: 'connector' (its version and doc), 'catalog' (its version)
 *       or '' (nothing)
 * Returns {1, failures, tokensVersion} when locked out (nothing counted, nothing read), or
 * {0, requests this minute, tokensVersion, read}: `read` is {version, doc} for 'connector',
 * {version} for 'catalog' (nil where missing), absent for ''.
 *
 * The request counter is not persisted (`redis.set_repl(redis.REPL_NONE)`): under appendfsync
 * always, a write would make every request wait for a disk flush before its route even starts,
 * and a rate-limit count is worth less than that. A Redis restart or failover starts the minute
 * afresh; the auth-failure counts, written on the failure path only, stay durable.
 */
export const ADMIT_REQUEST = new LuaCommand('admit-request');

/**
 * Takes up to N connectors off the catalog's dirty set into the flushing set of one flush job, in
 * one step: a connector marked dirty again afterwards is in the dirty set again, for a later flush;
 * one taken is in the job's flushing set until its entry is refreshed, also across a crash.
 *
 * KEYS: 1 the dirty set, 2 the job's flushing set
 * ARGV: 1 N
 * Returns the connector ids taken.
 */
export const CLAIM_CATALOG_DIRTY = new LuaCommand('claim-catalog-dirty');

/**
 * Reads connectors' snapshots in one command.
 * KEYS: the connectors' hashes (READ_CONNECTORS_BATCH at most, so that one call stays short)
 * Returns per key {version, doc}, nil where missing.
 */
export const READ_CONNECTORS = new LuaCommand('read-connectors');
export const READ_CONNECTORS_BATCH = 500;
