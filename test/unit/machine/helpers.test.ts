/** The pure helpers of machines/: time, versions, policy defaults, event tables. */
import { describe, it, expect } from 'vitest';
import { addDays, DAY_MS, normalizeDeadline } from '../../../machines/time.js';
import {
  DEFAULT_POLICY,
  cdkLanguage,
  defaultNoticeDays,
  toSemver,
} from '../../../machines/lifecycle-policy.js';
import {
  API_EVENT_TYPES,
  EVENT_PERMISSIONS,
  INTERNAL_EVENT_TYPES,
  isApiEventType,
} from '../../../machines/connector-events.js';
import { STATE_NAMES, SUPPORT_LEVELS, STATUSES } from '../../../machines/connector-types.js';
import { splitState } from '../../../machines/connector-lifecycle.js';
import { withFields } from '../../../machines/with-fields.js';

describe('time', () => {
  it('DAY_MS is one day', () => {
    expect(DAY_MS).toBe(24 * 60 * 60 * 1000);
  });

  it('addDays adds whole, fractional and negative days', () => {
    expect(addDays('2025-01-31T00:00:00.000Z', 1)).toBe('2025-02-01T00:00:00.000Z');
    expect(addDays('2024-02-28T12:00:00Z', 1)).toBe('2024-02-29T12:00:00.000Z');
    expect(addDays('2025-01-01T00:00:00.000Z', 0.25)).toBe('2025-01-01T06:00:00.000Z');
    expect(addDays('2025-01-01T00:00:00.000Z', -7)).toBe('2024-12-25T00:00:00.000Z');
    expect(addDays('2025-01-01T00:00:00.000Z', 0)).toBe('2025-01-01T00:00:00.000Z');
    // 0.0001 days is about 9 seconds (rounded to the millisecond)
    expect(addDays('2025-01-01T00:00:00.000Z', 0.0001)).toBe('2025-01-01T00:00:08.640Z');
  });

  it('addDays normalizes offsets to UTC', () => {
    expect(addDays('2025-01-01T02:00:00+02:00', 1)).toBe('2025-01-02T00:00:00.000Z');
  });

  it('normalizeDeadline: a date-only deadline means 00:00 UTC', () => {
    expect(normalizeDeadline('2025-03-01')).toBe('2025-03-01T00:00:00.000Z');
    expect(normalizeDeadline('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('normalizeDeadline accepts full ISO timestamps', () => {
    expect(normalizeDeadline('2025-03-01T10:20:30Z')).toBe('2025-03-01T10:20:30.000Z');
    expect(normalizeDeadline('2025-03-01T10:20:30.5Z')).toBe('2025-03-01T10:20:30.500Z');
    expect(normalizeDeadline('2025-03-01T10:20Z')).toBe('2025-03-01T10:20:00.000Z');
    expect(normalizeDeadline('2025-03-01T10:20:30-05:00')).toBe('2025-03-01T15:20:30.000Z');
  });

  it.each([
    '',
    'tomorrow',
    '2025-3-1',
    '01/03/2025',
    '2025-03-01T10:20:30',
    '2025-13-01',
    '2025-03-01 10:20Z',
  ])('normalizeDeadline rejects "%s"', (value) => {
    expect(normalizeDeadline(value)).toBeNull();
  });
});

describe('versions', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['=1.2.3', '1.2.3'],
    [' 1.2.3 ', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3-rc.1'],
    ['1.2.3+build.5', '1.2.3'],
  ])('toSemver(%j) = %j', (input, expected) => {
    expect(toSemver(input)).toBe(expected);
  });

  it.each(['latest', '1.2', '1', '', 'v', '1.2.3.4', 'dev-1.2.3'])(
    'toSemver(%j) is null',
    (input) => {
      expect(toSemver(input)).toBeNull();
    },
  );

  it('cdkLanguage maps manifest-only and low-code connectors to the manifest CDK', () => {
    expect(cdkLanguage('manifest-only')).toBe('manifest');
    expect(cdkLanguage('low-code')).toBe('manifest');
    expect(cdkLanguage('manifest')).toBe('manifest');
    expect(cdkLanguage('python')).toBe('python');
    expect(cdkLanguage('java')).toBe('java');
  });
});

describe('policy defaults (SPEC §2, §8, §9)', () => {
  it('DEFAULT_POLICY has the documented defaults', () => {
    expect(DEFAULT_POLICY).toEqual({
      latestCdkVersions: { python: '6.0.0', java: '0.40.0', manifest: '6.0.0' },
      certifiedMinNoticeDays: 90,
      archivalNoticeDays: 30,
      minUpgradeWindowDays: { source: 7, destination: 30 },
      reminderDays: [7, 1],
      archiveSourceUrl: 'https://github.com/airbytehq/connector-archive/tree/main/{connectorId}',
    });
  });

  it('defaultNoticeDays: the archival notice, never less than the certified minimum for certified', () => {
    expect(defaultNoticeDays('community', DEFAULT_POLICY)).toBe(30);
    expect(defaultNoticeDays('certified', DEFAULT_POLICY)).toBe(90);
    const longArchival = { ...DEFAULT_POLICY, archivalNoticeDays: 120 };
    expect(defaultNoticeDays('certified', longArchival)).toBe(120);
    expect(defaultNoticeDays('community', longArchival)).toBe(120);
  });
});

describe('event and state tables', () => {
  it('the API events are those of SPEC §2', () => {
    expect([...API_EVENT_TYPES].sort()).toEqual(
      [
        'CONTRIBUTE',
        'REQUEST_CERTIFICATION',
        'DEMOTE',
        'DEPRECATE',
        'CANCEL_DEPRECATION',
        'ARCHIVE',
        'PUBLISH_RELEASE',
        'REQUEST_UNARCHIVE',
        'APPROVE_UNARCHIVE',
        'REJECT_UNARCHIVE',
      ].sort(),
    );
    expect([...INTERNAL_EVENT_TYPES].sort()).toEqual(
      [
        'ACCEPTANCE_FAILED',
        'ACCEPTANCE_PASSED',
        'ARCHIVE_DUE',
        'REMINDER_DUE',
        'SUGGEST_REVIEW',
      ].sort(),
    );
  });

  it('isApiEventType accepts API events only', () => {
    for (const type of API_EVENT_TYPES) expect(isApiEventType(type)).toBe(true);
    for (const type of INTERNAL_EVENT_TYPES) expect(isApiEventType(type)).toBe(false);
    expect(isApiEventType('contribute')).toBe(false);
    expect(isApiEventType('')).toBe(false);
    expect(isApiEventType('__proto__')).toBe(false);
  });

  it('EVENT_PERMISSIONS follows SPEC §4', () => {
    expect(Object.keys(EVENT_PERMISSIONS).sort()).toEqual([...API_EVENT_TYPES].sort());
    expect(EVENT_PERMISSIONS.CONTRIBUTE).toEqual({ kind: 'maintainerOrRole', role: 'maintainer' });
    expect(EVENT_PERMISSIONS.PUBLISH_RELEASE).toEqual({
      kind: 'maintainerOrRole',
      role: 'maintainer',
    });
    expect(EVENT_PERMISSIONS.REQUEST_UNARCHIVE).toEqual({ kind: 'role', role: 'contributor' });
    for (const type of [
      'REQUEST_CERTIFICATION',
      'DEMOTE',
      'DEPRECATE',
      'CANCEL_DEPRECATION',
      'ARCHIVE',
      'APPROVE_UNARCHIVE',
      'REJECT_UNARCHIVE',
    ] as const) {
      expect(EVENT_PERMISSIONS[type]).toEqual({ kind: 'role', role: 'maintainer' });
    }
  });

  it('STATE_NAMES are the ten states of SPEC §2, each a supportLevel.status', () => {
    expect(STATE_NAMES).toHaveLength(10);
    expect(new Set(STATE_NAMES).size).toBe(10);
    for (const name of STATE_NAMES) {
      const { supportLevel, status } = splitState(name);
      expect(SUPPORT_LEVELS).toContain(supportLevel);
      expect(STATUSES).toContain(status);
      expect(`${supportLevel}.${status}`).toBe(name);
    }
  });

  it('splitState answers a state again with the same frozen parts', () => {
    const first = splitState('certified.deprecated');
    expect(splitState('certified.deprecated')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ supportLevel: 'certified', status: 'deprecated' });
  });
});

describe('withFields', () => {
  it('is a new object: the base keys in their order, then the new ones; the base is untouched', () => {
    const base = { a: 1, b: 2 };
    const extended = withFields(base, { b: 3, c: 4 });
    expect(extended).not.toBe(base);
    expect(base).toEqual({ a: 1, b: 2 });
    expect(JSON.stringify(extended)).toBe('{"a":1,"b":3,"c":4}');
    expect(JSON.stringify(extended)).toBe(JSON.stringify({ ...base, b: 3, c: 4 }));
  });
});
