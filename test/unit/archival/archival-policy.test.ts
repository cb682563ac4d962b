/** The automated archival policy (SPEC §8), pure functions of machines/archival-policy.ts. */
import { describe, expect, it } from 'vitest';
import {
  archivalReasons,
  describeReasons,
  ageCountsFrom,
  isOldEnough,
  usageWindowDates,
  usageWindowStart,
  type ArchivalSettings,
} from '../../../machines/archival-policy.js';

const DAY_MS = 86_400_000;
const SETTINGS: ArchivalSettings = {
  minAgeDays: 90,
  usageWindowDays: 30,
  minUsage: 30,
  unmaintainedDays: 365,
};
const NOW = new Date('2026-03-15T12:00:00.000Z');

function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

describe('usageWindowStart', () => {
  it('is the first date of usageWindowDates, across month, leap-day and year ends', () => {
    const nows = [
      NOW,
      new Date('2024-03-01T06:00:00Z'),
      new Date('2025-03-01T06:00:00Z'),
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-03-15T23:59:59.999Z'),
      new Date('2026-03-15T20:30:00-04:00'),
    ];
    for (const now of nows) {
      for (const days of [0, 0.0001, 1, 1.2, 2, 30, 365]) {
        expect(usageWindowStart(now, days), `${now.toISOString()} ${days}`).toBe(
          usageWindowDates(now, days)[0],
        );
      }
    }
    expect(usageWindowStart(NOW, 30)).toBe('2026-02-14');
  });
});

describe('usageWindowDates', () => {
  it('ends today (UTC), today included, oldest first, with one date per day', () => {
    const dates = usageWindowDates(NOW, 30);
    expect(dates).toHaveLength(30);
    expect(dates.at(-1)).toBe('2026-03-15');
    expect(dates[0]).toBe('2026-02-14');
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(30);
    for (const d of dates) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('uses the UTC date, whatever the time of day', () => {
    // 23:59:59.999 UTC is still the same UTC day; 00:00 UTC is the next one
    expect(usageWindowDates(new Date('2026-03-15T23:59:59.999Z'), 1)).toEqual(['2026-03-15']);
    expect(usageWindowDates(new Date('2026-03-16T00:00:00.000Z'), 1)).toEqual(['2026-03-16']);
    // 20:30 in New York on the 15th is already the 16th in UTC
    expect(usageWindowDates(new Date('2026-03-15T20:30:00-04:00'), 1)).toEqual(['2026-03-16']);
  });

  it('crosses month, year and leap-day boundaries', () => {
    expect(usageWindowDates(new Date('2024-03-01T06:00:00Z'), 3)).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(usageWindowDates(new Date('2025-03-01T06:00:00Z'), 2)).toEqual([
      '2025-02-28',
      '2025-03-01',
    ]);
    expect(usageWindowDates(new Date('2026-01-01T00:00:00Z'), 2)).toEqual([
      '2025-12-31',
      '2026-01-01',
    ]);
  });

  it('rounds a decimal window up to whole days, and always includes today', () => {
    expect(usageWindowDates(NOW, 0.0001)).toEqual(['2026-03-15']);
    expect(usageWindowDates(NOW, 0)).toEqual(['2026-03-15']);
    expect(usageWindowDates(NOW, 1)).toEqual(['2026-03-15']);
    expect(usageWindowDates(NOW, 1.2)).toEqual(['2026-03-14', '2026-03-15']);
    expect(usageWindowDates(NOW, 2.5)).toHaveLength(3);
    expect(usageWindowDates(NOW, 365)).toHaveLength(365);
  });
});

describe('isOldEnough', () => {
  const created = (createdAt: string) => ({ createdAt });

  it('compares the age with LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS, the limit included', () => {
    expect(isOldEnough(created(daysBefore(NOW, 90)), NOW, SETTINGS)).toBe(true);
    expect(isOldEnough(created(daysBefore(NOW, 200)), NOW, SETTINGS)).toBe(true);
    expect(
      isOldEnough(created(new Date(NOW.getTime() - 90 * DAY_MS + 1).toISOString()), NOW, SETTINGS),
    ).toBe(false);
    expect(isOldEnough(created(NOW.toISOString()), NOW, SETTINGS)).toBe(false);
  });

  it('accepts decimal settings', () => {
    const settings = { ...SETTINGS, minAgeDays: 0.00002 }; // ≈ 1.7 s
    const ago = (ms: number) => created(new Date(NOW.getTime() - ms).toISOString());
    expect(isOldEnough(ago(1000), NOW, settings)).toBe(false);
    expect(isOldEnough(ago(2000), NOW, settings)).toBe(true);
    expect(isOldEnough(ago(0), NOW, { ...SETTINGS, minAgeDays: 0 })).toBe(true);
  });

  it('counts from the last revival (activeSince) when there was one', () => {
    const revived = { createdAt: daysBefore(NOW, 400), activeSince: daysBefore(NOW, 10) };
    expect(ageCountsFrom(revived)).toBe(revived.activeSince);
    expect(isOldEnough(revived, NOW, SETTINGS)).toBe(false);
    expect(isOldEnough({ ...revived, activeSince: daysBefore(NOW, 90) }, NOW, SETTINGS)).toBe(true);
    expect(ageCountsFrom({ createdAt: revived.createdAt })).toBe(revived.createdAt);
  });
});

describe('archivalReasons', () => {
  const recentRelease = daysBefore(NOW, 10);

  it('none for a busy, maintained connector', () => {
    expect(archivalReasons({ usage: 30, lastReleaseAt: recentRelease }, NOW, SETTINGS)).toEqual([]);
    expect(archivalReasons({ usage: 1e6, lastReleaseAt: recentRelease }, NOW, SETTINGS)).toEqual(
      [],
    );
  });

  it('low_usage below LIFECYCLE_ARCHIVAL_MIN_USAGE, with the figure, threshold and window', () => {
    const reasons = archivalReasons({ usage: 29, lastReleaseAt: recentRelease }, NOW, SETTINGS);
    expect(reasons).toEqual([
      { code: 'low_usage', usage: 29, threshold: 30, windowDays: 30, windowStart: '2026-02-14' },
    ]);
    expect(
      archivalReasons({ usage: 0, lastReleaseAt: recentRelease }, NOW, SETTINGS)[0],
    ).toMatchObject({ code: 'low_usage', usage: 0 });
  });

  it('unmaintained after LIFECYCLE_UNMAINTAINED_DAYS without a release, the limit included', () => {
    const lastReleaseAt = daysBefore(NOW, 400.5);
    expect(archivalReasons({ usage: 100, lastReleaseAt }, NOW, SETTINGS)).toEqual([
      { code: 'unmaintained', lastReleaseAt, thresholdDays: 365, daysSinceRelease: 400 },
    ]);
    expect(
      archivalReasons({ usage: 100, lastReleaseAt: daysBefore(NOW, 365) }, NOW, SETTINGS),
    ).toHaveLength(1);
    expect(
      archivalReasons(
        { usage: 100, lastReleaseAt: new Date(NOW.getTime() - 365 * DAY_MS + 1).toISOString() },
        NOW,
        SETTINGS,
      ),
    ).toEqual([]);
  });

  it('both reasons when both apply, low usage first', () => {
    const reasons = archivalReasons(
      { usage: 3, lastReleaseAt: daysBefore(NOW, 500) },
      NOW,
      SETTINGS,
    );
    expect(reasons.map((r) => r.code)).toEqual(['low_usage', 'unmaintained']);
  });

  it('with a minimum usage of 0 nothing is ever low usage', () => {
    expect(
      archivalReasons({ usage: 0, lastReleaseAt: recentRelease }, NOW, {
        ...SETTINGS,
        minUsage: 0,
      }),
    ).toEqual([]);
  });

  it('decimal unmaintained periods work in seconds', () => {
    const settings = { ...SETTINGS, unmaintainedDays: 0.00002 }; // ≈ 1.7 s
    const twoSecondsAgo = new Date(NOW.getTime() - 2000).toISOString();
    expect(
      archivalReasons({ usage: 100, lastReleaseAt: twoSecondsAgo }, NOW, settings)[0],
    ).toMatchObject({ code: 'unmaintained', daysSinceRelease: 0 });
    const oneSecondAgo = new Date(NOW.getTime() - 1000).toISOString();
    expect(archivalReasons({ usage: 100, lastReleaseAt: oneSecondAgo }, NOW, settings)).toEqual([]);
  });
});

describe('describeReasons', () => {
  it('names the figures of each reason', () => {
    const reasons = archivalReasons(
      { usage: 3, lastReleaseAt: '2025-01-01T00:00:00.000Z' },
      NOW,
      SETTINGS,
    );
    const text = describeReasons(reasons);
    expect(text).toContain('low usage: 3');
    expect(text).toContain('minimum 30');
    expect(text).toContain('2025-01-01');
    expect(text).toContain('limit 365');
    expect(text.indexOf('low usage')).toBeLessThan(text.indexOf('unmaintained'));
    expect(describeReasons(reasons.slice(0, 1))).not.toContain('unmaintained');
    expect(describeReasons([])).toBe('');
  });
});
