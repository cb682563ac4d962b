/** The policies (guards) of SPEC section 2, through ConnectorLifecycle.decide and checkPolicy. */
import { describe, it, expect } from 'vitest';
import type { Decision, LifecycleState } from '../../../machines/connector-lifecycle.js';
import type { ConnectorEvent } from '../../../machines/connector-events.js';
import {
  DEFAULT_POLICY,
  checkPolicy,
  type LifecyclePolicy,
} from '../../../machines/lifecycle-policy.js';
import {
  REACH_NOTICE_DAYS,
  RUN,
  T0,
  accepted,
  baseContext,
  drive,
  ev,
  newLifecycle,
  plusDays,
  reach,
  type KnownState,
} from './fixtures.js';

const lifecycle = newLifecycle();

function blocked(decision: Decision): Extract<Decision, { kind: 'blocked' }> {
  if (decision.kind !== 'blocked') {
    throw new Error(`expected the event to be blocked, got ${JSON.stringify(decision)}`);
  }
  return decision;
}

describe('DEPRECATE notice', () => {
  const certified = reach(lifecycle, 'certified.active');
  const community = reach(lifecycle, 'community.active');

  it('blocks a certified deprecation with less than LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS (422)', () => {
    const d = blocked(lifecycle.decide(certified, ev.deprecate({ noticeDays: 89 })));
    expect(d.state).toBe('certified.active');
    expect(d.violation.code).toBe('NOTICE_TOO_SHORT');
    expect(d.violation.details).toEqual({ minNoticeDays: 90, noticeDays: 89 });
    expect(d.violation.message).toMatch(/90/);
  });

  it('blocks a certified deprecation even a fraction of a day short', () => {
    expect(
      blocked(lifecycle.decide(certified, ev.deprecate({ noticeDays: 89.99 }))).violation.code,
    ).toBe('NOTICE_TOO_SHORT');
    expect(
      blocked(lifecycle.decide(certified, ev.deprecate({ noticeDays: 0 }))).violation.code,
    ).toBe('NOTICE_TOO_SHORT');
  });

  it('allows a certified deprecation with exactly the minimum notice', () => {
    const d = accepted(lifecycle.decide(certified, ev.deprecate({ noticeDays: 90 })));
    expect(d.next.state).toBe('certified.deprecated');
    expect(d.next.context.deprecation?.archiveAt).toBe(plusDays(T0, 90));
  });

  it('gives a certified deprecation without noticeDays at least the minimum notice', () => {
    const d = accepted(lifecycle.decide(certified, ev.deprecate()));
    expect(d.next.context.deprecation?.archiveAt).toBe(plusDays(T0, 90));
  });

  it('blocks a certified deprecation from the automated sweep with a short notice too', () => {
    const d = blocked(
      lifecycle.decide(certified, ev.deprecate({ noticeDays: 30, automated: true })),
    );
    expect(d.violation.code).toBe('NOTICE_TOO_SHORT');
  });

  it('allows an immediate community deprecation (noticeDays 0): archiveAt is now', () => {
    const d = accepted(lifecycle.decide(community, ev.deprecate({ noticeDays: 0 })));
    expect(d.next.state).toBe('community.deprecated');
    expect(d.next.context.deprecation?.archiveAt).toBe(T0);
    expect(d.effects).toContainEqual({ kind: 'archiveDue', at: T0, archiveAt: T0 });
  });

  it('gives a community deprecation without noticeDays the archival notice (30 days)', () => {
    const d = accepted(lifecycle.decide(community, ev.deprecate()));
    expect(d.next.context.deprecation?.archiveAt).toBe(plusDays(T0, 30));
  });

  it('does not accept a negative notice on a community connector (at least 0 days)', () => {
    // SPEC §2: "of a community connector at least 0 days (immediate is allowed)".
    const d = lifecycle.decide(community, ev.deprecate({ noticeDays: -5 }));
    expect(d.kind).toBe('blocked');
  });

  it('honours a configured minimum notice', () => {
    const strict = newLifecycle({ ...DEFAULT_POLICY, certifiedMinNoticeDays: 120 });
    const from = reach(strict, 'certified.active');
    expect(
      blocked(strict.decide(from, ev.deprecate({ noticeDays: 90 }))).violation.details,
    ).toEqual({ minNoticeDays: 120, noticeDays: 90 });
    expect(accepted(strict.decide(from, ev.deprecate({ noticeDays: 120 }))).next.state).toBe(
      'certified.deprecated',
    );
    // no noticeDays: the configured minimum
    expect(accepted(strict.decide(from, ev.deprecate())).next.context.deprecation?.archiveAt).toBe(
      plusDays(T0, 120),
    );
  });
});

describe('PUBLISH_RELEASE version', () => {
  const from = reach(lifecycle, 'community.active'); // dockerImageTag 1.0.0

  it.each(['latest', '1.0', 'one', '', '1.0.0.0'])(
    'blocks the non-semver tag "%s" (INVALID_VERSION)',
    (tag) => {
      const d = blocked(lifecycle.decide(from, ev.publishRelease({ dockerImageTag: tag })));
      expect(d.violation.code).toBe('INVALID_VERSION');
    },
  );

  it.each(['1.0.0', 'v1.0.0', '0.9.9', '1.0.0-rc.1'])(
    'blocks "%s", not greater than 1.0.0 (VERSION_NOT_GREATER)',
    (tag) => {
      const d = blocked(lifecycle.decide(from, ev.publishRelease({ dockerImageTag: tag })));
      expect(d.violation.code).toBe('VERSION_NOT_GREATER');
      expect(d.violation.details).toMatchObject({ currentDockerImageTag: '1.0.0' });
    },
  );

  it.each(['1.0.1', 'v1.1.0', '2.0.0', '1.0.1-rc.1'])('accepts "%s", greater than 1.0.0', (tag) => {
    expect(
      accepted(lifecycle.decide(from, ev.publishRelease({ dockerImageTag: tag }))).next.state,
    ).toBe('community.active');
  });

  it('blocks a non-semver cdkVersion (INVALID_CDK_VERSION)', () => {
    const d = blocked(
      lifecycle.decide(from, ev.publishRelease({ dockerImageTag: '1.1.0', cdkVersion: 'latest' })),
    );
    expect(d.violation.code).toBe('INVALID_CDK_VERSION');
  });

  it('checks the version in every state that takes releases', () => {
    for (const name of ['custom.active', 'certified.deprecated'] as const) {
      const d = blocked(
        lifecycle.decide(reach(lifecycle, name), ev.publishRelease({ dockerImageTag: '0.1.0' })),
      );
      expect(d.state).toBe(name);
      expect(d.violation.code).toBe('VERSION_NOT_GREATER');
    }
  });

  it('compares with the latest release, not the registered one', () => {
    const released = drive(lifecycle, from, ev.publishRelease({ dockerImageTag: '1.5.0' }));
    expect(
      blocked(lifecycle.decide(released, ev.publishRelease({ dockerImageTag: '1.4.0' }))).violation
        .code,
    ).toBe('VERSION_NOT_GREATER');
  });
});

describe('PUBLISH_RELEASE breaking change upgrade window', () => {
  const breaking = (upgradeDeadline: string, at = T0): ConnectorEvent =>
    ev.publishRelease({
      dockerImageTag: '2.0.0',
      at,
      breakingChange: {
        message: 'renamed streams',
        upgradeDeadline,
        migrationDocumentationUrl: 'https://docs.example.com/migrate',
      },
    });
  const certifiedSource = reach(lifecycle, 'certified.active');
  const certifiedDestination = reach(
    lifecycle,
    'certified.active',
    baseContext({ id: 'destination-pg', type: 'destination' }),
  );

  it('blocks a certified source with less than 7 days (UPGRADE_WINDOW_TOO_SHORT)', () => {
    const d = blocked(lifecycle.decide(certifiedSource, breaking(plusDays(T0, 6.9))));
    expect(d.violation.code).toBe('UPGRADE_WINDOW_TOO_SHORT');
    expect(d.violation.details).toMatchObject({
      minUpgradeWindowDays: 7,
      earliestUpgradeDeadline: plusDays(T0, 7),
    });
  });

  it('accepts a certified source with exactly 7 days', () => {
    expect(accepted(lifecycle.decide(certifiedSource, breaking(plusDays(T0, 7)))).next.state).toBe(
      'certified.active',
    );
  });

  it('blocks a certified destination with less than 30 days', () => {
    for (const days of [8, 29, 29.99]) {
      const d = blocked(lifecycle.decide(certifiedDestination, breaking(plusDays(T0, days))));
      expect(d.violation.code).toBe('UPGRADE_WINDOW_TOO_SHORT');
      expect(d.violation.details).toMatchObject({
        minUpgradeWindowDays: 30,
        earliestUpgradeDeadline: plusDays(T0, 30),
      });
    }
  });

  it('accepts a certified destination with exactly 30 days', () => {
    expect(
      accepted(lifecycle.decide(certifiedDestination, breaking(plusDays(T0, 30)))).next.state,
    ).toBe('certified.active');
  });

  it('enforces the window on certified.deprecated as well', () => {
    const from = reach(lifecycle, 'certified.deprecated');
    expect(blocked(lifecycle.decide(from, breaking(plusDays(T0, 1)))).violation.code).toBe(
      'UPGRADE_WINDOW_TOO_SHORT',
    );
  });

  it.each(['community.active', 'community.deprecated', 'custom.active'] as const)(
    'lets %s break with no notice (deadline now or past)',
    (name) => {
      for (const deadline of [T0, plusDays(T0, -3), '2024-12-31']) {
        const d = accepted(lifecycle.decide(reach(lifecycle, name), breaking(deadline)));
        expect(d.next.state).toBe(name);
        expect(Object.keys(d.next.context.breakingChanges)).toEqual(['2.0.0']);
      }
    },
  );

  it('community destinations may break with no notice either', () => {
    const from = reach(
      lifecycle,
      'community.active',
      baseContext({ id: 'destination-pg', type: 'destination' }),
    );
    expect(accepted(lifecycle.decide(from, breaking(T0))).next.state).toBe('community.active');
  });

  it('treats a date-only upgradeDeadline as 00:00 UTC of that day', () => {
    const noon = '2025-01-01T12:00:00.000Z';
    // 2025-01-08 00:00Z is 6.5 days after noon on 2025-01-01: too short for a source
    const d = blocked(lifecycle.decide(certifiedSource, breaking('2025-01-08', noon)));
    expect(d.violation.details).toMatchObject({
      earliestUpgradeDeadline: '2025-01-08T12:00:00.000Z',
      earliestDate: '2025-01-09',
    });
    const ok = accepted(lifecycle.decide(certifiedSource, breaking('2025-01-09', noon)));
    expect(ok.next.context.breakingChanges['2.0.0']?.upgradeDeadline).toBe(
      '2025-01-09T00:00:00.000Z',
    );
    // at midnight, the date-only deadline seven days later is exactly the minimum
    expect(accepted(lifecycle.decide(certifiedSource, breaking('2025-01-08'))).next.state).toBe(
      'certified.active',
    );
  });

  it('accepts a full ISO timestamp, with or without offset', () => {
    expect(
      accepted(lifecycle.decide(certifiedSource, breaking('2025-01-08T00:00:00Z'))).next.state,
    ).toBe('certified.active');
    // 02:00+02:00 is 00:00Z: exactly seven days
    expect(
      accepted(lifecycle.decide(certifiedSource, breaking('2025-01-08T02:00:00+02:00'))).next
        .context.breakingChanges['2.0.0']?.upgradeDeadline,
    ).toBe('2025-01-08T00:00:00.000Z');
    // 01:59+02:00 is a minute short
    expect(
      blocked(lifecycle.decide(certifiedSource, breaking('2025-01-08T01:59:00+02:00'))).violation
        .code,
    ).toBe('UPGRADE_WINDOW_TOO_SHORT');
  });

  it.each(['next week', '2025-13-45', '08/01/2025', '2025-01-08 00:00'])(
    'blocks the non-date upgradeDeadline "%s" (INVALID_DEADLINE)',
    (deadline) => {
      for (const from of [certifiedSource, reach(lifecycle, 'community.active')]) {
        expect(blocked(lifecycle.decide(from, breaking(deadline))).violation.code).toBe(
          'INVALID_DEADLINE',
        );
      }
    },
  );

  it('honours configured windows', () => {
    const policy: LifecyclePolicy = {
      ...DEFAULT_POLICY,
      minUpgradeWindowDays: { source: 14, destination: 2 },
    };
    const custom = newLifecycle(policy);
    expect(
      blocked(custom.decide(reach(custom, 'certified.active'), breaking(plusDays(T0, 10))))
        .violation.details,
    ).toMatchObject({ minUpgradeWindowDays: 14 });
    const destination = reach(
      custom,
      'certified.active',
      baseContext({ id: 'destination-pg', type: 'destination' }),
    );
    expect(accepted(custom.decide(destination, breaking(plusDays(T0, 2)))).next.state).toBe(
      'certified.active',
    );
  });
});

describe('REQUEST_UNARCHIVE CDK version', () => {
  const archived = (language: string): LifecycleState =>
    reach(lifecycle, 'archived.idle', baseContext({ language }));

  it('blocks a cdkVersion older than the language latest (CDK_OUTDATED)', () => {
    const d = blocked(
      lifecycle.decide(archived('python'), ev.requestUnarchive({ cdkVersion: '5.9.9' })),
    );
    expect(d.state).toBe('archived.idle');
    expect(d.violation.code).toBe('CDK_OUTDATED');
    expect(d.violation.details).toEqual({
      cdkVersion: '5.9.9',
      requiredCdkVersion: '6.0.0',
      language: 'python',
    });
  });

  it('blocks a pre-release of the latest CDK', () => {
    expect(
      blocked(
        lifecycle.decide(archived('python'), ev.requestUnarchive({ cdkVersion: '6.0.0-rc.1' })),
      ).violation.code,
    ).toBe('CDK_OUTDATED');
  });

  it.each(['6.0.0', 'v6.0.0', '6.0.1', '7.0.0'])(
    'accepts cdkVersion %s (≥ python 6.0.0)',
    (cdk) => {
      expect(
        accepted(lifecycle.decide(archived('python'), ev.requestUnarchive({ cdkVersion: cdk })))
          .next.state,
      ).toBe('archived.unarchiveTesting');
    },
  );

  it('uses the latest CDK of the connector language (java 0.40.0)', () => {
    expect(
      blocked(lifecycle.decide(archived('java'), ev.requestUnarchive({ cdkVersion: '0.39.9' })))
        .violation.details,
    ).toMatchObject({ requiredCdkVersion: '0.40.0', language: 'java' });
    expect(
      accepted(lifecycle.decide(archived('java'), ev.requestUnarchive({ cdkVersion: '0.40.0' })))
        .next.state,
    ).toBe('archived.unarchiveTesting');
  });

  it.each(['manifest-only', 'low-code', 'manifest'])('maps %s to the manifest CDK', (language) => {
    const policy: LifecyclePolicy = {
      ...DEFAULT_POLICY,
      latestCdkVersions: { python: '1.0.0', java: '0.1.0', manifest: '6.5.0' },
    };
    const custom = newLifecycle(policy);
    const from = reach(custom, 'archived.idle', baseContext({ language }));
    const d = blocked(custom.decide(from, ev.requestUnarchive({ cdkVersion: '6.4.9' })));
    expect(d.violation.details).toMatchObject({ requiredCdkVersion: '6.5.0', language });
    expect(
      accepted(custom.decide(from, ev.requestUnarchive({ cdkVersion: '6.5.0' }))).next.state,
    ).toBe('archived.unarchiveTesting');
  });

  it('blocks a non-semver cdkVersion or dockerImageTag', () => {
    expect(
      blocked(lifecycle.decide(archived('python'), ev.requestUnarchive({ cdkVersion: 'newest' })))
        .violation.code,
    ).toBe('INVALID_CDK_VERSION');
    expect(
      blocked(lifecycle.decide(archived('python'), ev.requestUnarchive({ dockerImageTag: 'dev' })))
        .violation.code,
    ).toBe('INVALID_VERSION');
  });
});

describe('acceptance results must match the running gate', () => {
  const gated: [KnownState, string][] = [
    ['custom.contributing', RUN.contribution],
    ['community.certifying', RUN.certification],
    ['archived.unarchiveTesting', RUN.unarchive],
  ];

  it.each(gated)('%s: a result for another runId is stale', (name, runId) => {
    const from = reach(lifecycle, name);
    expect(from.context.gate?.runId).toBe(runId);
    for (const event of [ev.passed('run-other'), ev.failed('run-other'), ev.passed(`${runId}x`)]) {
      expect(lifecycle.decide(from, event)).toEqual({ kind: 'stale', state: name });
    }
    // the right run id is still accepted afterwards
    expect(lifecycle.decide(from, ev.passed(runId)).kind).toBe('accepted');
  });

  it('a result arriving after the gate closed is stale', () => {
    const certified = reach(lifecycle, 'certified.active');
    expect(lifecycle.decide(certified, ev.passed(RUN.certification))).toEqual({
      kind: 'stale',
      state: 'certified.active',
    });
    expect(lifecycle.decide(certified, ev.failed(RUN.certification))).toEqual({
      kind: 'stale',
      state: 'certified.active',
    });
  });

  it('a result of an earlier gate is stale for the next one', () => {
    const failedOnce = drive(
      lifecycle,
      reach(lifecycle, 'community.certifying'),
      ev.failed(RUN.certification),
    );
    const again = drive(lifecycle, failedOnce, ev.requestCertification({ eventId: 'evt-retry' }));
    expect(again.context.gate?.runId).toBe('run-evt-retry');
    expect(lifecycle.decide(again, ev.passed(RUN.certification)).kind).toBe('stale');
    expect(accepted(lifecycle.decide(again, ev.passed('run-evt-retry'))).next.state).toBe(
      'certified.active',
    );
  });
});

describe('ARCHIVE_DUE re-checks the deprecation in force', () => {
  const community = reach(lifecycle, 'community.active');

  it('is stale when its archiveAt belongs to a cancelled deprecation', () => {
    const first = drive(lifecycle, community, ev.deprecate({ noticeDays: 30 }));
    const firstArchiveAt = first.context.deprecation!.archiveAt;
    const cancelled = drive(lifecycle, first, ev.cancelDeprecation({ at: plusDays(T0, 1) }));
    // the old timer fires after a cancel: nothing to archive
    expect(lifecycle.decide(cancelled, ev.archiveDue(firstArchiveAt)).kind).toBe('stale');
    const second = drive(
      lifecycle,
      cancelled,
      ev.deprecate({ noticeDays: 30, at: plusDays(T0, 2), eventId: 'evt-deprecate-2' }),
    );
    const secondArchiveAt = second.context.deprecation!.archiveAt;
    expect(secondArchiveAt).toBe(plusDays(T0, 32));
    // the old timer fires during the new deprecation: stale
    expect(lifecycle.decide(second, ev.archiveDue(firstArchiveAt))).toEqual({
      kind: 'stale',
      state: 'community.deprecated',
    });
    // even when it is delivered after the new deadline
    expect(
      lifecycle.decide(second, ev.archiveDue(firstArchiveAt, { at: plusDays(T0, 40) })).kind,
    ).toBe('stale');
    // the new timer archives
    expect(accepted(lifecycle.decide(second, ev.archiveDue(secondArchiveAt))).next.state).toBe(
      'archived.idle',
    );
  });

  it.each(['community', 'certified'] as const)(
    '%s: is stale before its time and archives from archiveAt on',
    (level) => {
      const from = reach(lifecycle, `${level}.deprecated`);
      const archiveAt = plusDays(T0, REACH_NOTICE_DAYS[level]);
      expect(
        lifecycle.decide(from, ev.archiveDue(archiveAt, { at: plusDays(archiveAt, -0.001) })),
      ).toEqual({ kind: 'stale', state: `${level}.deprecated` });
      expect(accepted(lifecycle.decide(from, ev.archiveDue(archiveAt))).next.state).toBe(
        'archived.idle',
      );
      expect(
        accepted(lifecycle.decide(from, ev.archiveDue(archiveAt, { at: plusDays(archiveAt, 3) })))
          .next.state,
      ).toBe('archived.idle');
    },
  );

  it('usage recovered on an automated deprecation: back to active', () => {
    const from = drive(lifecycle, community, ev.deprecate({ automated: true }));
    const archiveAt = from.context.deprecation!.archiveAt;
    const d = accepted(lifecycle.decide(from, ev.archiveDue(archiveAt, { usageRecovered: true })));
    expect(d.next.state).toBe('community.active');
    expect(d.next.context.deprecation).toBeNull();
  });

  it('usage recovered on a manual deprecation: archived anyway', () => {
    const from = drive(lifecycle, community, ev.deprecate());
    const archiveAt = from.context.deprecation!.archiveAt;
    const d = accepted(lifecycle.decide(from, ev.archiveDue(archiveAt, { usageRecovered: true })));
    expect(d.next.state).toBe('archived.idle');
  });

  it('usage not recovered on an automated deprecation: archived', () => {
    const from = drive(lifecycle, community, ev.deprecate({ automated: true }));
    const archiveAt = from.context.deprecation!.archiveAt;
    const d = accepted(lifecycle.decide(from, ev.archiveDue(archiveAt, { usageRecovered: false })));
    expect(d.next.state).toBe('archived.idle');
  });

  it('usage recovered but a stale or early timer: still stale', () => {
    const from = drive(lifecycle, community, ev.deprecate({ automated: true }));
    const archiveAt = from.context.deprecation!.archiveAt;
    expect(
      lifecycle.decide(from, ev.archiveDue(plusDays(archiveAt, -1), { usageRecovered: true })).kind,
    ).toBe('stale');
    expect(
      lifecycle.decide(
        from,
        ev.archiveDue(archiveAt, { usageRecovered: true, at: plusDays(archiveAt, -1) }),
      ).kind,
    ).toBe('stale');
  });

  it('is stale once the connector is archived', () => {
    const from = reach(lifecycle, 'community.deprecated');
    const archiveAt = from.context.deprecation!.archiveAt;
    const archived = drive(lifecycle, from, ev.archive());
    expect(lifecycle.decide(archived, ev.archiveDue(archiveAt)).kind).toBe('stale');
  });
});

describe('checkPolicy directly', () => {
  const context = baseContext();

  it('has no policy for the other events', () => {
    for (const event of [
      ev.contribute(),
      ev.requestCertification(),
      ev.demote(),
      ev.cancelDeprecation(),
      ev.archive(),
      ev.approveUnarchive(),
      ev.rejectUnarchive(),
      ev.passed('x'),
      ev.failed('x'),
      ev.archiveDue(T0),
    ]) {
      expect(checkPolicy('certified', context, event, DEFAULT_POLICY)).toBeNull();
    }
  });

  it('returns the violation with a human message', () => {
    const violation = checkPolicy(
      'certified',
      context,
      ev.deprecate({ noticeDays: 10 }),
      DEFAULT_POLICY,
    );
    expect(violation).toMatchObject({ code: 'NOTICE_TOO_SHORT' });
    expect(violation?.message).toMatch(/certified/);
    expect(
      checkPolicy('community', context, ev.deprecate({ noticeDays: 10 }), DEFAULT_POLICY),
    ).toBeNull();
  });

  it('agrees with decide: a blocked decision carries the checkPolicy violation', () => {
    const from = reach(lifecycle, 'certified.active');
    const event = ev.publishRelease({
      dockerImageTag: '3.0.0',
      breakingChange: {
        message: 'm',
        upgradeDeadline: plusDays(T0, 1),
        migrationDocumentationUrl: 'https://x',
      },
    });
    expect(blocked(lifecycle.decide(from, event)).violation).toEqual(
      checkPolicy('certified', from.context, event, DEFAULT_POLICY),
    );
  });
});
