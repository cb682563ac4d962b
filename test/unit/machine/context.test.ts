/** What the machine records in the connector's context on each transition. */
import { describe, it, expect } from 'vitest';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import {
  REPO,
  RUN,
  SPEC_TRANSITIONS,
  T0,
  accepted,
  baseContext,
  drive,
  ev,
  eventForTransition,
  newLifecycle,
  plusDays,
  reach,
  sourceFor,
} from './fixtures.js';

const lifecycle = newLifecycle();

describe('deprecation', () => {
  it('records reason, deprecatedAt, archiveAt = at + noticeDays, replacement and automated', () => {
    const at = '2025-05-05T10:00:00.000Z';
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.deprecate({
          reason: 'replaced by the manifest connector',
          noticeDays: 45,
          replacement: 'source-faker-v2',
          at,
        }),
      ),
    );
    expect(d.next.context.deprecation).toEqual({
      reason: 'replaced by the manifest connector',
      deprecatedAt: at,
      archiveAt: '2025-06-19T10:00:00.000Z',
      replacement: 'source-faker-v2',
      automated: false,
    });
  });

  it('omits replacement when none is given and marks sweep deprecations automated', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.deprecate({ reason: 'low usage', noticeDays: 30, automated: true }),
      ),
    );
    expect(d.next.context.deprecation).toEqual({
      reason: 'low usage',
      deprecatedAt: T0,
      archiveAt: plusDays(T0, 30),
      automated: true,
    });
    expect(d.next.context.deprecation).not.toHaveProperty('replacement');
  });

  it('supports fractional notices', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'community.active'), ev.deprecate({ noticeDays: 0.5 })),
    );
    expect(d.next.context.deprecation?.archiveAt).toBe('2025-01-01T12:00:00.000Z');
  });

  it.each(['community', 'certified'] as const)('%s: CANCEL_DEPRECATION clears it', (level) => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, `${level}.deprecated`), ev.cancelDeprecation()),
    );
    expect(d.next.context.deprecation).toBeNull();
  });

  it('a new deprecation after a cancel replaces the old one', () => {
    const again = drive(
      lifecycle,
      reach(lifecycle, 'community.deprecated'),
      ev.cancelDeprecation(),
      ev.deprecate({ reason: 'second try', noticeDays: 5, at: plusDays(T0, 10) }),
    );
    expect(again.context.deprecation).toEqual({
      reason: 'second try',
      deprecatedAt: plusDays(T0, 10),
      archiveAt: plusDays(T0, 15),
      automated: false,
    });
  });
});

describe('releases', () => {
  it('records the tag (semver, without "v"), the CDK version and lastReleaseAt', () => {
    const at = '2025-02-02T02:02:02.000Z';
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.publishRelease({ dockerImageTag: 'v1.2.3', cdkVersion: 'v6.4.0', at }),
      ),
    );
    expect(d.next.context).toMatchObject({
      dockerImageTag: '1.2.3',
      cdkVersion: '6.4.0',
      lastReleaseAt: at,
      breakingChanges: {},
    });
  });

  it('keeps the CDK version when the release names none', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active', baseContext({ cdkVersion: '6.1.0' })),
        ev.publishRelease({ dockerImageTag: '1.1.0' }),
      ),
    );
    expect(d.next.context.cdkVersion).toBe('6.1.0');
  });

  it('keys breaking changes by version and keeps earlier ones', () => {
    const from = reach(lifecycle, 'certified.active');
    const first = {
      message: 'streams renamed',
      upgradeDeadline: '2025-03-01',
      migrationDocumentationUrl: 'https://docs.example.com/v2',
    };
    const second = {
      message: 'auth changed',
      upgradeDeadline: '2025-06-01T12:00:00+00:00',
      migrationDocumentationUrl: 'https://docs.example.com/v3',
    };
    const state = drive(
      lifecycle,
      from,
      ev.publishRelease({ dockerImageTag: '2.0.0', breakingChange: first }),
      ev.publishRelease({ dockerImageTag: '2.1.0' }),
      ev.publishRelease({ dockerImageTag: 'v3.0.0', breakingChange: second }),
    );
    expect(state.context.breakingChanges).toEqual({
      '2.0.0': { ...first, upgradeDeadline: '2025-03-01T00:00:00.000Z' },
      '3.0.0': { ...second, upgradeDeadline: '2025-06-01T12:00:00.000Z' },
    });
    expect(state.context.dockerImageTag).toBe('3.0.0');
    expect(state.state).toBe('certified.active');
  });

  it('leaves the deprecation of a deprecated connector in force', () => {
    const from = reach(lifecycle, 'community.deprecated');
    const d = accepted(lifecycle.decide(from, ev.publishRelease()));
    expect(d.next.context.deprecation).toEqual(from.context.deprecation);
  });
});

describe('acceptance gates', () => {
  it('opens a gate with runId, purpose, image, requester and time', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.requestCertification({ eventId: 'e-1', actor: 'pm', at: '2025-04-04T00:00:00.000Z' }),
      ),
    );
    expect(d.next.context.gate).toEqual({
      runId: 'run-e-1',
      purpose: 'certification',
      image: `${REPO}:1.0.0`,
      requestedBy: 'pm',
      requestedAt: '2025-04-04T00:00:00.000Z',
    });
  });

  it('closes the gate on a result', () => {
    for (const [name, runId] of [
      ['custom.contributing', RUN.contribution],
      ['community.certifying', RUN.certification],
      ['archived.unarchiveTesting', RUN.unarchive],
    ] as const) {
      const from = reach(lifecycle, name);
      expect(accepted(lifecycle.decide(from, ev.passed(runId))).next.context.gate).toBeNull();
      expect(accepted(lifecycle.decide(from, ev.failed(runId))).next.context.gate).toBeNull();
    }
  });

  it('a gate is open exactly in the testing states', () => {
    const testing = new Set([
      'custom.contributing',
      'community.certifying',
      'archived.unarchiveTesting',
    ]);
    for (const name of STATE_NAMES) {
      expect([name, reach(lifecycle, name).context.gate !== null]).toEqual([
        name,
        testing.has(name),
      ]);
    }
  });
});

describe('un-archive requests', () => {
  it('REQUEST_UNARCHIVE records a pending request and does not change the image yet', () => {
    const at = '2025-07-07T07:07:07.000Z';
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'archived.idle'),
        ev.requestUnarchive({
          actor: 'dave',
          eventId: 'u-7',
          at,
          justification: 'my company depends on it',
          dockerImageTag: 'v2.5.0',
          cdkVersion: '6.0.1',
        }),
      ),
    );
    expect(d.next.context.unarchiveRequest).toEqual({
      requester: 'dave',
      justification: 'my company depends on it',
      dockerImageTag: '2.5.0',
      cdkVersion: '6.0.1',
      requestedAt: at,
      runId: 'run-u-7',
      outcome: 'pending',
    });
    expect(d.next.context.gate).toMatchObject({ purpose: 'unarchive', image: `${REPO}:2.5.0` });
    expect(d.next.context.dockerImageTag).toBe('1.0.0');
    expect(d.next.context.maintainers).toEqual(['alice']);
  });

  it('tests passed: the request is ready for review', () => {
    const review = reach(lifecycle, 'archived.unarchiveReview');
    expect(review.context.unarchiveRequest?.outcome).toBe('ready');
    expect(review.context.unarchiveRequest).not.toHaveProperty('reason');
    expect(review.context.dockerImageTag).toBe('1.0.0');
  });

  it('tests failed: the request is rejected with the reason', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'archived.unarchiveTesting'), ev.failed(RUN.unarchive)),
    );
    expect(d.next.context.unarchiveRequest).toMatchObject({
      outcome: 'rejected',
      reason: 'acceptance tests failed',
      requester: 'carol',
    });
    expect(d.next.context.maintainers).toEqual(['alice']);
  });

  it('APPROVE_UNARCHIVE: the requester becomes a maintainer and the new image/CDK are recorded', () => {
    const at = '2025-08-08T00:00:00.000Z';
    const from = reach(lifecycle, 'archived.unarchiveReview');
    const d = accepted(lifecycle.decide(from, ev.approveUnarchive({ reason: 'ok', at })));
    expect(d.next.context).toMatchObject({
      maintainers: ['alice', 'carol'],
      dockerImageTag: '2.0.0',
      cdkVersion: '6.0.0',
      deprecation: null,
      lastReleaseAt: at,
    });
    expect(d.next.context.unarchiveRequest).toMatchObject({
      outcome: 'approved',
      reason: 'ok',
      requester: 'carol',
    });
  });

  it('APPROVE_UNARCHIVE records the requested CDK version', () => {
    const review = drive(
      lifecycle,
      reach(lifecycle, 'archived.idle', baseContext({ cdkVersion: '4.0.0' })),
      ev.requestUnarchive({ cdkVersion: '6.2.0', dockerImageTag: '3.0.0' }),
      ev.passed(RUN.unarchive),
    );
    const d = accepted(lifecycle.decide(review, ev.approveUnarchive()));
    expect(d.next.context.cdkVersion).toBe('6.2.0');
    expect(d.next.context.dockerImageTag).toBe('3.0.0');
    expect(d.next.context.unarchiveRequest).not.toHaveProperty('reason');
  });

  it('APPROVE_UNARCHIVE does not list a requester who already maintains it twice', () => {
    const review = drive(
      lifecycle,
      reach(lifecycle, 'archived.idle'),
      ev.requestUnarchive({ actor: 'alice' }),
      ev.passed(RUN.unarchive),
    );
    const d = accepted(lifecycle.decide(review, ev.approveUnarchive()));
    expect(d.next.context.maintainers).toEqual(['alice']);
  });

  it('APPROVE_UNARCHIVE after an archival by the timer clears the old deprecation', () => {
    const deprecated = reach(lifecycle, 'community.deprecated');
    const review = drive(
      lifecycle,
      deprecated,
      ev.archiveDue(deprecated.context.deprecation!.archiveAt),
      ev.requestUnarchive(),
      ev.passed(RUN.unarchive),
    );
    const d = accepted(lifecycle.decide(review, ev.approveUnarchive()));
    expect(d.next.state).toBe('community.active');
    expect(d.next.context.deprecation).toBeNull();
  });

  it('REJECT_UNARCHIVE: rejected with the reason; nothing taken over', () => {
    const from = reach(lifecycle, 'archived.unarchiveReview');
    const d = accepted(lifecycle.decide(from, ev.rejectUnarchive({ reason: 'no docs' })));
    expect(d.next.context.unarchiveRequest).toMatchObject({
      outcome: 'rejected',
      reason: 'no docs',
    });
    expect(d.next.context.maintainers).toEqual(['alice']);
    expect(d.next.context.dockerImageTag).toBe('1.0.0');
  });

  it('a new request after a rejection starts over as pending', () => {
    const rejected = drive(
      lifecycle,
      reach(lifecycle, 'archived.unarchiveReview'),
      ev.rejectUnarchive(),
    );
    const d = accepted(
      lifecycle.decide(rejected, ev.requestUnarchive({ eventId: 'u-2', actor: 'erin' })),
    );
    expect(d.next.context.unarchiveRequest).toMatchObject({
      requester: 'erin',
      outcome: 'pending',
      runId: 'run-u-2',
    });
    expect(d.next.context.unarchiveRequest).not.toHaveProperty('reason');
  });
});

describe('purity', () => {
  it('decide never mutates the state it is given, and is deterministic', () => {
    for (const t of SPEC_TRANSITIONS) {
      const from = sourceFor(lifecycle, t);
      const snapshot = structuredClone(from);
      const event = eventForTransition(t, from);
      const first = lifecycle.decide(from, event);
      const second = lifecycle.decide(from, event);
      expect(from).toEqual(snapshot);
      expect(second).toEqual(first);
    }
  });

  it('identity fields are never changed by a transition', () => {
    for (const t of SPEC_TRANSITIONS) {
      const from = sourceFor(lifecycle, t);
      const next = accepted(lifecycle.decide(from, eventForTransition(t, from))).next.context;
      const { id, definitionId, name, type, language, dockerRepository } = from.context;
      expect(next).toMatchObject({ id, definitionId, name, type, language, dockerRepository });
    }
  });
});
