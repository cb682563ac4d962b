/** The effect descriptors an accepted event yields (SPEC section 3). */
import { describe, it, expect } from 'vitest';
import { NOTIFICATION_TYPES } from '../../../machines/notification-types.js';
import type { Effect } from '../../../machines/effects.js';
import { DEFAULT_POLICY } from '../../../machines/lifecycle-policy.js';
import {
  REPO,
  RUN,
  SPEC_TRANSITIONS,
  T0,
  accepted,
  baseContext,
  drive,
  edgeKey,
  effectKinds,
  ev,
  eventForTransition,
  newLifecycle,
  notifyTypes,
  plusDays,
  reach,
  sourceFor,
} from './fixtures.js';

const lifecycle = newLifecycle();

const breakingChange = (upgradeDeadline: string) => ({
  message: 'the users stream was renamed',
  upgradeDeadline,
  migrationDocumentationUrl: 'https://docs.example.com/faker/migration',
});

describe('acceptance-test gates', () => {
  it('runId is run-<eventId> for each of the three gates', () => {
    const contributing = accepted(
      lifecycle.decide(reach(lifecycle, 'custom.active'), ev.contribute({ eventId: 'abc' })),
    );
    const certifying = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.requestCertification({ eventId: '01J9Z' }),
      ),
    );
    const unarchiving = accepted(
      lifecycle.decide(reach(lifecycle, 'archived.idle'), ev.requestUnarchive({ eventId: 'u-1' })),
    );
    const runs = [contributing, certifying, unarchiving].map((d) =>
      d.effects.filter((e) => e.kind === 'acceptance'),
    );
    expect(runs).toEqual([
      [{ kind: 'acceptance', runId: 'run-abc', purpose: 'contribution', image: `${REPO}:1.0.0` }],
      [
        {
          kind: 'acceptance',
          runId: 'run-01J9Z',
          purpose: 'certification',
          image: `${REPO}:1.0.0`,
        },
      ],
      [{ kind: 'acceptance', runId: 'run-u-1', purpose: 'unarchive', image: `${REPO}:2.0.0` }],
    ]);
    // the gate in the context names the same run
    expect(contributing.next.context.gate?.runId).toBe('run-abc');
    expect(certifying.next.context.gate?.runId).toBe('run-01J9Z');
    expect(unarchiving.next.context.gate?.runId).toBe('run-u-1');
  });

  it('tests the image of the latest release', () => {
    const released = drive(
      lifecycle,
      reach(lifecycle, 'community.active'),
      ev.publishRelease({ dockerImageTag: '1.4.2' }),
    );
    const d = accepted(lifecycle.decide(released, ev.requestCertification()));
    expect(d.effects).toContainEqual({
      kind: 'acceptance',
      runId: RUN.certification,
      purpose: 'certification',
      image: `${REPO}:1.4.2`,
    });
  });

  it('only gate-opening events start acceptance runs', () => {
    const gateOpeners = new Set(['CONTRIBUTE', 'REQUEST_CERTIFICATION', 'REQUEST_UNARCHIVE']);
    for (const t of SPEC_TRANSITIONS.filter((t) => !gateOpeners.has(t.event))) {
      const from = sourceFor(lifecycle, t);
      const event = eventForTransition(t, from);
      const d = accepted(lifecycle.decide(from, event));
      expect([t.from, t.event, effectKinds(d.effects).includes('acceptance')]).toEqual([
        t.from,
        t.event,
        false,
      ]);
    }
  });
});

describe('archiveDue timer', () => {
  it('fires at archiveAt = at + noticeDays', () => {
    const at = '2025-03-10T08:30:00.000Z';
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'community.active'), ev.deprecate({ noticeDays: 14, at })),
    );
    const archiveAt = '2025-03-24T08:30:00.000Z';
    expect(d.effects.filter((e) => e.kind === 'archiveDue')).toEqual([
      { kind: 'archiveDue', at: archiveAt, archiveAt },
    ]);
  });

  it('handles decimal notices (0.0001 days is about 9 seconds)', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'community.active'), ev.deprecate({ noticeDays: 0.0001 })),
    );
    expect(d.effects).toContainEqual({
      kind: 'archiveDue',
      at: '2025-01-01T00:00:08.640Z',
      archiveAt: '2025-01-01T00:00:08.640Z',
    });
  });

  it('a certified deprecation with the default notice fires 90 days later', () => {
    const d = accepted(lifecycle.decide(reach(lifecycle, 'certified.active'), ev.deprecate()));
    expect(d.effects).toContainEqual({
      kind: 'archiveDue',
      at: plusDays(T0, 90),
      archiveAt: plusDays(T0, 90),
    });
  });

  it('only DEPRECATE schedules an archival', () => {
    for (const t of SPEC_TRANSITIONS) {
      const from = sourceFor(lifecycle, t);
      const d = accepted(lifecycle.decide(from, eventForTransition(t, from)));
      const timers = d.effects.filter((e) => e.kind === 'archiveDue');
      expect([edgeKey(t), timers.length]).toEqual([edgeKey(t), t.event === 'DEPRECATE' ? 1 : 0]);
    }
  });
});

describe('breaking-change reminders', () => {
  it('schedules reminders 7 days and 1 day before the deadline', () => {
    const deadline = plusDays(T0, 60);
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'certified.active'),
        ev.publishRelease({ dockerImageTag: '2.0.0', breakingChange: breakingChange(deadline) }),
      ),
    );
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.release_published',
        data: {
          dockerImageTag: '2.0.0',
          cdkVersion: '6.0.0',
          breakingChange: breakingChange(deadline),
        },
      },
      {
        kind: 'breakingChangeReminder',
        at: plusDays(T0, 53),
        version: '2.0.0',
        upgradeDeadline: deadline,
        daysBefore: 7,
      },
      {
        kind: 'breakingChangeReminder',
        at: plusDays(T0, 59),
        version: '2.0.0',
        upgradeDeadline: deadline,
        daysBefore: 1,
      },
      { kind: 'catalog' },
    ]);
  });

  it('uses the normalized deadline of a date-only upgradeDeadline', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'certified.active'),
        ev.publishRelease({
          dockerImageTag: 'v2.0.0',
          breakingChange: breakingChange('2025-03-01'),
        }),
      ),
    );
    const reminders = d.effects.filter((e) => e.kind === 'breakingChangeReminder');
    expect(reminders).toEqual([
      {
        kind: 'breakingChangeReminder',
        at: '2025-02-22T00:00:00.000Z',
        version: '2.0.0',
        upgradeDeadline: '2025-03-01T00:00:00.000Z',
        daysBefore: 7,
      },
      {
        kind: 'breakingChangeReminder',
        at: '2025-02-28T00:00:00.000Z',
        version: '2.0.0',
        upgradeDeadline: '2025-03-01T00:00:00.000Z',
        daysBefore: 1,
      },
    ]);
  });

  it('drops reminders whose time has already passed', () => {
    const from = reach(lifecycle, 'community.active');
    const soon = accepted(
      lifecycle.decide(
        from,
        ev.publishRelease({ breakingChange: breakingChange(plusDays(T0, 3)) }),
      ),
    );
    expect(
      soon.effects.flatMap((e) => (e.kind === 'breakingChangeReminder' ? [e.daysBefore] : [])),
    ).toEqual([1]);
    const now = accepted(
      lifecycle.decide(from, ev.publishRelease({ breakingChange: breakingChange(T0) })),
    );
    expect(effectKinds(now.effects)).not.toContain('breakingChangeReminder');
    const past = accepted(
      lifecycle.decide(from, ev.publishRelease({ breakingChange: breakingChange('2024-01-01') })),
    );
    expect(effectKinds(past.effects)).not.toContain('breakingChangeReminder');
  });

  it('schedules no reminder for a release without breaking change', () => {
    const d = accepted(lifecycle.decide(reach(lifecycle, 'certified.active'), ev.publishRelease()));
    expect(effectKinds(d.effects)).toEqual(['notify', 'catalog']);
  });

  it('does not re-announce an earlier breaking change on a later release', () => {
    const from = reach(lifecycle, 'certified.active');
    const broke = drive(
      lifecycle,
      from,
      ev.publishRelease({
        dockerImageTag: '2.0.0',
        breakingChange: breakingChange(plusDays(T0, 60)),
      }),
    );
    const d = accepted(lifecycle.decide(broke, ev.publishRelease({ dockerImageTag: '2.0.1' })));
    expect(effectKinds(d.effects)).toEqual(['notify', 'catalog']);
    expect(d.effects[0]).toMatchObject({ data: { dockerImageTag: '2.0.1', breakingChange: null } });
  });

  it('follows the configured reminder days', () => {
    const custom = newLifecycle({ ...DEFAULT_POLICY, reminderDays: [14, 3] });
    const deadline = plusDays(T0, 30);
    const d = accepted(
      custom.decide(
        reach(custom, 'community.active'),
        ev.publishRelease({ breakingChange: breakingChange(deadline) }),
      ),
    );
    expect(
      d.effects.flatMap((e) =>
        e.kind === 'breakingChangeReminder' ? [[e.daysBefore, e.at] as const] : [],
      ),
    ).toEqual([
      [14, plusDays(T0, 16)],
      [3, plusDays(T0, 27)],
    ]);
  });
});

describe('notifications', () => {
  it('every notification type is one of SPEC §5', () => {
    const seen: Effect[] = [];
    for (const t of SPEC_TRANSITIONS) {
      const from = reach(lifecycle, t.from);
      const gate = from.context.gate?.runId ?? '';
      const archiveAt = from.context.deprecation?.archiveAt ?? T0;
      const event = {
        ACCEPTANCE_PASSED: ev.passed(gate),
        ACCEPTANCE_FAILED: ev.failed(gate),
        ARCHIVE_DUE: ev.archiveDue(archiveAt),
        REMINDER_DUE: ev.reminderDue('1.0.0', T0),
        SUGGEST_REVIEW: ev.suggestReview(),
        CONTRIBUTE: ev.contribute(),
        REQUEST_CERTIFICATION: ev.requestCertification(),
        DEMOTE: ev.demote(),
        DEPRECATE: ev.deprecate({ noticeDays: 90 }),
        CANCEL_DEPRECATION: ev.cancelDeprecation(),
        ARCHIVE: ev.archive(),
        PUBLISH_RELEASE: ev.publishRelease({ breakingChange: breakingChange(plusDays(T0, 90)) }),
        REQUEST_UNARCHIVE: ev.requestUnarchive(),
        APPROVE_UNARCHIVE: ev.approveUnarchive(),
        REJECT_UNARCHIVE: ev.rejectUnarchive(),
      }[t.event];
      seen.push(...accepted(lifecycle.decide(from, event)).effects);
    }
    const types = new Set(notifyTypes(seen));
    for (const type of types) expect(NOTIFICATION_TYPES).toContain(type);
    // the lifecycle notifications a transition of SPEC §2's table produces: every type but
    // registration (not a transition) and those of the reminder timer and the sweep
    const notTransitions = [
      'connector.registered',
      'connector.breaking_change_reminder',
      'connector.review_suggested',
    ];
    expect([...types].sort()).toEqual(
      NOTIFICATION_TYPES.filter((t) => !notTransitions.includes(t)).sort(),
    );
    // durable timers only for deprecations and breaking changes
    expect(new Set(effectKinds(seen))).toEqual(
      new Set(['notify', 'catalog', 'acceptance', 'archiveDue', 'breakingChangeReminder']),
    );
  });

  it('the release notification carries the recorded versions', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.publishRelease({ dockerImageTag: 'v1.3.0', cdkVersion: 'v6.3.0' }),
      ),
    );
    expect(d.effects[0]).toEqual({
      kind: 'notify',
      type: 'connector.release_published',
      data: { dockerImageTag: '1.3.0', cdkVersion: '6.3.0', breakingChange: null },
    });
  });

  it('the cancellation notification names its reason (or none)', () => {
    const from = reach(lifecycle, 'community.deprecated');
    expect(accepted(lifecycle.decide(from, ev.cancelDeprecation())).effects[0]).toEqual({
      kind: 'notify',
      type: 'connector.deprecation_cancelled',
      data: { reason: undefined },
    });
  });
});

describe('registrationEffects', () => {
  it.each(['community', 'custom'] as const)(
    'a %s registration notifies connector.registered and updates the catalog',
    (level) => {
      const state = lifecycle.initialState(level, baseContext());
      expect(lifecycle.registrationEffects(state)).toEqual([
        { kind: 'notify', type: 'connector.registered', data: { supportLevel: level } },
        { kind: 'catalog' },
      ]);
    },
  );
});
