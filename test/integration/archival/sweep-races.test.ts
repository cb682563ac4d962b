import { afterEach, describe, expect, it } from 'vitest';
import {
  ArchivalSweeper,
  SweepBusyError,
  type SweepHooks,
} from '../../../src/archival/archival-sweeper.js';
import { newSweepRecord, type SweepRecord } from '../../../src/archival/sweep-store.js';
import {
  ACCEPTANCE_SCRIPT,
  TestClock,
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { BASE_ENV, candidateOf, postUsage, runSweep, usage } from './helpers.js';
import { getConnector, historyTypes, register, waitForState } from '../../support/api-helpers.js';

/**
 * The sweep deprecates a connector only if it is still a candidate at the version being changed
 * (SPEC §10): a revival, a release or a usage report that came after the scan wins. Time is moved
 * with the service's injected clock, never waited for.
 */
describe('archival sweep: revivals, races and the sweep lock', () => {
  let svc: TestService;
  let clock: TestClock;
  afterEach(async () => {
    await svc?.cleanup();
  });

  async function start(env: Record<string, string> = {}): Promise<void> {
    clock = new TestClock();
    svc = await startTestService({
      clock: clock.now,
      env: {
        ...BASE_ENV,
        LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
        LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '90',
        LIFECYCLE_UNMAINTAINED_DAYS: '100',
        LIFECYCLE_ARCHIVAL_MIN_USAGE: '30',
        ...env,
      },
    });
  }

  /** Registers a connector `days` ago (its last release then too); returns its id. */
  async function registeredDaysAgo(days: number): Promise<string> {
    const body = registration();
    clock.travel(-days);
    try {
      await register(svc.api, body);
    } finally {
      clock.travel(days);
    }
    return body.id;
  }

  async function release(id: string, tag: string): Promise<void> {
    const res = await svc.api.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: tag });
    expect(res.status, res.text).toBe(200);
  }

  /** A sweeper on the service's own stores, with test hooks; runs one real sweep. */
  async function sweepWith(
    options: { hooks?: SweepHooks; lockTtlMs?: number },
    id = `race-${Math.random().toString(36).slice(2, 8)}`,
  ): Promise<SweepRecord> {
    const s = svc.services;
    const sweeper = new ArchivalSweeper({
      redis: s.redis,
      keys: s.keys,
      store: s.store,
      usage: s.usage,
      sweeps: s.sweeps,
      service: s.service,
      config: s.config,
      clock: clock.now,
      ...options,
    });
    const record = newSweepRecord(id, { dryRun: false, trigger: 'manual', requestedBy: 'test' });
    await s.sweeps.create(record);
    return sweeper.run(record);
  }

  it('the minimum age counts from the last revival: a revived connector is not swept', async () => {
    await start();
    const neglected = await registeredDaysAgo(200);
    const revived = await registeredDaysAgo(200);
    // Archived long ago, then taken over and revived today: registered 200 days ago, no usage.
    clock.travel(-150);
    expect((await svc.api.event(revived, { type: 'ARCHIVE', reason: 'abandoned' })).status).toBe(
      200,
    );
    clock.travel(150);
    const request = await svc.api.event(revived, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'we depend on it and will maintain it',
      dockerImageTag: '2.0.0',
      cdkVersion: '6.0.0',
    });
    expect(request.status, request.text).toBe(202);
    await waitForState(svc.api, revived, 'archived.unarchiveReview');
    const approved = await svc.api.event(revived, { type: 'APPROVE_UNARCHIVE' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.state).toBe('community.active');

    const record = await runSweep(svc.api);
    expect(candidateOf(record, neglected)?.action).toBe('deprecated');
    expect(candidateOf(record, revived)).toBeUndefined();
    expect((await getConnector(svc.api, revived)).state).toBe('community.active');

    // Once 90 days have passed since the revival, it is judged like any other connector.
    clock.travel(91);
    const later = await runSweep(svc.api);
    expect(candidateOf(later, revived)?.action).toBe('deprecated');
  });

  it('a release committed after the scan wins: no deprecation', async () => {
    await start();
    const id = await registeredDaysAgo(200); // unmaintained, but busy
    await postUsage(svc.api, [usage(id, 100)]);
    let scanned = false;
    const record = await sweepWith({
      hooks: {
        afterScan: async (candidates) => {
          scanned = candidates.some((c) => c.connectorId === id);
          await release(id, '1.1.0');
        },
      },
    });
    expect(scanned).toBe(true);
    expect(record.status).toBe('completed');
    expect(candidateOf(record, id)).toMatchObject({ action: 'skipped' });
    expect(candidateOf(record, id).detail).toMatch(/no longer a candidate/);
    expect((await getConnector(svc.api, id)).state).toBe('community.active');
    expect(await historyTypes(svc.api, id)).not.toContain('DEPRECATE');
  });

  it('a usage report after the scan wins: no deprecation', async () => {
    await start();
    const id = await registeredDaysAgo(200);
    await release(id, '1.1.0'); // maintained, but no usage
    const record = await sweepWith({
      hooks: { afterScan: async () => void (await postUsage(svc.api, [usage(id, 100)])) },
    });
    expect(candidateOf(record, id)).toMatchObject({ action: 'skipped' });
    expect((await getConnector(svc.api, id)).state).toBe('community.active');
  });

  it('a usage report between the last check and the commit wins: the commit is refused', async () => {
    await start();
    const id = await registeredDaysAgo(200);
    const control = await registeredDaysAgo(200);
    await release(id, '1.1.0');
    await release(control, '1.1.0');
    const reported: string[] = [];
    const record = await sweepWith({
      hooks: {
        beforeCommit: async (connectorId) => {
          if (connectorId !== id || reported.length > 0) return;
          reported.push(connectorId);
          await postUsage(svc.api, [usage(id, 100)]);
        },
      },
    });
    expect(reported).toEqual([id]);
    expect(candidateOf(record, id)).toMatchObject({ action: 'skipped' });
    expect((await getConnector(svc.api, id)).state).toBe('community.active');
    expect(candidateOf(record, control)).toMatchObject({ action: 'deprecated' });
    expect((await getConnector(svc.api, control)).state).toBe('community.deprecated');
  });

  it('the sweep lock is renewed while a sweep runs longer than its lifetime', async () => {
    await start();
    const id = await registeredDaysAgo(200);
    const lockKey = svc.services.keys.sweepLock();
    const ttl = 300;
    const seen: (string | null)[] = [];
    let busy: unknown;
    const record = await sweepWith(
      {
        lockTtlMs: ttl,
        hooks: {
          afterScan: async () => {
            // Four renewals (the lock's remaining time went up), a third of its lifetime apart:
            // the sweep has outlived its first lock, and the lock stayed its own throughout.
            let renewals = 0;
            let lastTtl = Infinity;
            await waitFor(
              async () => {
                const [owner, pttl] = await Promise.all([
                  svc.services.redis.get(lockKey),
                  svc.services.redis.pttl(lockKey),
                ]);
                seen.push(owner);
                if (pttl > lastTtl) renewals++;
                lastTtl = pttl;
                return renewals >= 4;
              },
              { intervalMs: 20, what: 'four renewals of the sweep lock' },
            );
            busy = await sweepWith({}).catch((err: unknown) => err);
          },
        },
      },
      'long-sweep',
    );
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.every((owner) => owner === 'long-sweep')).toBe(true);
    expect(busy).toBeInstanceOf(SweepBusyError);
    expect(record.status).toBe('completed');
    expect(candidateOf(record, id)?.action).toBe('deprecated');
    expect(await svc.services.redis.exists(lockKey)).toBe(0);
  });

  it('a sweep whose lock was taken stops before any commit and leaves the other lock', async () => {
    await start();
    const id = await registeredDaysAgo(200);
    const lockKey = svc.services.keys.sweepLock();
    const ttl = 300;
    const record = await sweepWith({
      lockTtlMs: ttl,
      hooks: {
        afterScan: async (_, lock) => {
          await svc.services.redis.set(lockKey, 'another-sweep');
          // the next renewal (every third of the lifetime) finds the lock taken
          await waitFor(() => lock.lost, { what: 'the sweep to see its lock taken' });
        },
      },
    });
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/lost its lock/);
    expect((await getConnector(svc.api, id)).state).toBe('community.active');
    expect(await svc.services.redis.get(lockKey)).toBe('another-sweep');
  });
});
