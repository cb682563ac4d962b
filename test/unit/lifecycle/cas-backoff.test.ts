import { describe, expect, it } from 'vitest';
import { CAS_MAX_ATTEMPTS, casBackoffMs } from '../../../src/lifecycle/cas-backoff.js';

describe('compare-and-set backoff', () => {
  it('waits at least 5 ms, with a ceiling that doubles up to 50 ms', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 10].map((attempt) => casBackoffMs(attempt, () => 1));
    expect(ceilings).toEqual([5, 10, 20, 40, 50, 50, 50]);
    for (let attempt = 0; attempt < CAS_MAX_ATTEMPTS; attempt++) {
      expect(casBackoffMs(attempt, () => 0)).toBe(5);
    }
  });

  it('is jittered between the floor and the ceiling', () => {
    expect(casBackoffMs(3, () => 0.5)).toBe(23);
    const seen = new Set(Array.from({ length: 200 }, () => casBackoffMs(6)));
    expect(seen.size).toBeGreaterThan(10);
    for (const delay of seen) {
      expect(delay).toBeGreaterThanOrEqual(5);
      expect(delay).toBeLessThanOrEqual(50);
    }
  });

  it('is bounded', () => {
    expect(CAS_MAX_ATTEMPTS).toBeGreaterThan(1);
    expect(CAS_MAX_ATTEMPTS).toBeLessThanOrEqual(20);
  });
});
