import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageWindowDates } from '../../../machines/archival-policy.js';
import { SweepScan, type ScannedConnector } from '../../../src/archival/sweep-scan.js';
import { registration, startTestService, type TestService } from '../../support/harness.js';
import { register } from '../../support/api-helpers.js';
import { BASE_ENV } from './helpers.js';

/** The sweep's bulk read (Lua, totals inside Redis) against the stores' own reads. */
describe('SweepScan', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({ env: BASE_ENV, roles: ['api'] });
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  /** Every batch of the scan; with no `enough`, the totals are summed whole. */
  async function scanAll(
    ids: string[],
    dates: string[],
    enough = Number.MAX_SAFE_INTEGER,
  ): Promise<ScannedConnector[][]> {
    const scan = new SweepScan(svc.services.redis, svc.services.keys);
    const batches: ScannedConnector[][] = [];
    for await (const batch of scan.batches(ids, dates, enough)) batches.push(batch);
    return batches;
  }

  it('reads what the policy needs and the same usage totals as UsageStore, across batches', async () => {
    const now = new Date();
    const dates = usageWindowDates(now, 30);
    const [a, b, c] = [registration(), registration(), registration()];
    for (const body of [a, b, c]) await register(svc.api, body);
    await svc.services.usage.upsert([
      // multi-digit and large values, a zero, days outside the window on both sides
      { connectorId: a.id, date: dates[0]!, activeConnections: 1_000_000_000, syncs: 3 },
      { connectorId: a.id, date: dates[29]!, activeConnections: 12, syncs: 96 },
      { connectorId: a.id, date: dates[15]!, activeConnections: 0, syncs: 0 },
      { connectorId: a.id, date: '2020-01-01', activeConnections: 500, syncs: 1 },
      { connectorId: b.id, date: dates[3]!, activeConnections: 7, syncs: 70 },
      { connectorId: b.id, date: '2999-12-31', activeConnections: 900, syncs: 1 },
    ]);
    // Connectors that do not exist around them: a, b and c land in different script calls and
    // round trips, and the missing ones are left out.
    const missing = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `source-missing-${from + i}`);
    const ids = [...missing(0, 300), a.id, ...missing(300, 900), b.id, c.id, ...missing(1200, 10)];

    const batches = await scanAll(ids, dates);
    expect(batches.map((batch) => batch.length)).toEqual([1, 2]);
    const scanned = batches.flat();
    const expected = await svc.services.usage.totals([a.id, b.id, c.id], dates);
    expect(expected.get(a.id)).toBe(1_000_000_012);
    for (const id of [a.id, b.id, c.id]) {
      const stored = (await svc.services.store.get(id))!;
      expect(scanned.find((s) => s.id === id)).toEqual({
        id,
        name: stored.context.name,
        state: stored.state,
        createdAt: stored.createdAt,
        activeSince: stored.context.activeSince,
        lastReleaseAt: stored.context.lastReleaseAt,
        usage: expected.get(id),
      });
    }
    expect(scanned.map((s) => s.usage)).toEqual([1_000_000_012, 7, 0]);
  });

  it('stops summing at `enough`, newest week first, and sums exactly below it', async () => {
    const now = new Date();
    const dates = usageWindowDates(now, 30);
    const [busy, lateBusy, quiet, lastWeekOnly] = [
      registration(),
      registration(),
      registration(),
      registration(),
    ];
    for (const body of [busy, lateBusy, quiet, lastWeekOnly]) await register(svc.api, body);
    const daily = (id: string, perDay: (i: number) => number) =>
      dates.map((date, i) => ({ connectorId: id, date, activeConnections: perDay(i), syncs: 1 }));
    await svc.services.usage.upsert([
      // 10 a day: 70 in the newest week, 300 in the window
      ...daily(busy.id, () => 10),
      // nothing in the newest week, 100 on the window's first day
      ...daily(lateBusy.id, (i) => (i === 0 ? 100 : 0)),
      // 1 a day: 30 in the window
      ...daily(quiet.id, () => 1),
      // 49 in the newest week's first day (dates[23]), 1 the day before it
      ...daily(lastWeekOnly.id, (i) => (i === 23 ? 49 : i === 22 ? 1 : 0)),
    ]);
    const ids = [busy.id, lateBusy.id, quiet.id, lastWeekOnly.id];

    const exact = (await scanAll(ids, dates)).flat().map((s) => s.usage);
    expect(exact).toEqual([300, 100, 30, 50]);
    const stopped = (await scanAll(ids, dates, 50)).flat().map((s) => s.usage);
    // busy stops after its newest week (70, not 300); the others need their older days, and
    // quiet's total stays exact under the threshold
    expect(stopped).toEqual([70, 100, 30, 50]);
    // what the policy decides (usage < 50) is the same either way
    expect(stopped.map((u) => u < 50)).toEqual(exact.map((u) => u < 50));
    // at 0 nothing is under the threshold: the newest week is read and no more
    expect((await scanAll(ids, dates, 0)).flat().map((s) => s.usage)).toEqual([70, 0, 7, 49]);
  });

  it('sums the window of a long usage history like UsageStore', async () => {
    const now = new Date();
    const dates = usageWindowDates(now, 30);
    const [long, short] = [registration(), registration()];
    for (const body of [long, short]) await register(svc.api, body);
    // 100 days up to today for one connector, 60 for the other: only the window's days count
    const history = (id: string, days: number) =>
      usageWindowDates(now, days).map((date, i) => ({
        connectorId: id,
        date,
        activeConnections: i + 1,
        syncs: 2,
      }));
    await svc.services.usage.upsert([...history(long.id, 100), ...history(short.id, 60)]);

    const scanned = (await scanAll([long.id, short.id], dates)).flat();
    const expected = await svc.services.usage.totals([long.id, short.id], dates);
    // the window is the last 30 days: 71 + … + 100 and 31 + … + 60
    expect(expected.get(long.id)).toBe(2_565);
    expect(expected.get(short.id)).toBe(1_365);
    expect(scanned.map((s) => [s.id, s.usage])).toEqual([
      [long.id, 2_565],
      [short.id, 1_365],
    ]);
  });

  it('yields the batches in the order of the ids while several reads run ahead', async () => {
    const dates = usageWindowDates(new Date(), 30);
    const bodies = [registration(), registration(), registration()];
    for (const body of bodies) await register(svc.api, body);
    // Five round trips of 1,000 ids: the connectors sit in the first, third and fifth (the
    // second and fourth find nothing).
    const filler = (from: number) =>
      Array.from({ length: 1_999 }, (_, i) => `source-absent-${from + i}`);
    const ids = [bodies[0]!.id, ...filler(0), bodies[1]!.id, ...filler(2_000), bodies[2]!.id];
    expect(ids).toHaveLength(4_001);

    const batches = await scanAll(ids, dates);
    expect(batches.map((batch) => batch.map((s) => s.id))).toEqual([
      [bodies[0]!.id],
      [],
      [bodies[1]!.id],
      [],
      [bodies[2]!.id],
    ]);
  });

  it('yields nothing for no ids', async () => {
    expect(await scanAll([], usageWindowDates(new Date(), 30))).toEqual([]);
  });
});
