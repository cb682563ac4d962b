/** Every transition of SPEC section 2: target state and the side effects it names. */
import { describe, it, expect } from 'vitest';
import { createActor } from 'xstate';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import {
  REACH_NOTICE_DAYS,
  REPO,
  RUN,
  SPEC_TRANSITIONS,
  T0,
  accepted,
  baseContext,
  drive,
  edgeKey,
  ev,
  eventForTransition,
  newLifecycle,
  plusDays,
  reach,
  sourceFor,
} from './fixtures.js';

const lifecycle = newLifecycle();

describe('custom connectors', () => {
  it('custom.active --CONTRIBUTE--> custom.contributing starts the contribution gate', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'custom.active'), ev.contribute({ eventId: 'e-42' })),
    );
    expect(d.next.state).toBe('custom.contributing');
    expect(d.effects).toEqual([
      {
        kind: 'acceptance',
        runId: 'run-e-42',
        purpose: 'contribution',
        image: `${REPO}:1.0.0`,
      },
      { kind: 'catalog' },
    ]);
  });

  it('custom.contributing --ACCEPTANCE_PASSED--> community.active', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'custom.contributing'), ev.passed(RUN.contribution)),
    );
    expect(d.next.state).toBe('community.active');
    expect(d.next.context.gate).toBeNull();
    expect(d.effects).toEqual([{ kind: 'catalog' }]);
  });

  it('custom.contributing --ACCEPTANCE_FAILED--> custom.active', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'custom.contributing'), ev.failed(RUN.contribution)),
    );
    expect(d.next.state).toBe('custom.active');
    expect(d.next.context.gate).toBeNull();
    expect(d.effects).toEqual([{ kind: 'catalog' }]);
  });
});

describe('certification', () => {
  it('community.active --REQUEST_CERTIFICATION--> community.certifying starts the gate', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.active'),
        ev.requestCertification({ eventId: 'e-7' }),
      ),
    );
    expect(d.next.state).toBe('community.certifying');
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.certification_started',
        data: { runId: 'run-e-7', image: `${REPO}:1.0.0` },
      },
      { kind: 'acceptance', runId: 'run-e-7', purpose: 'certification', image: `${REPO}:1.0.0` },
      { kind: 'catalog' },
    ]);
  });

  it('community.certifying --ACCEPTANCE_PASSED--> certified.active and users are told', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'community.certifying'), ev.passed(RUN.certification)),
    );
    expect(d.next.state).toBe('certified.active');
    expect(d.next.context.gate).toBeNull();
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.certified',
        data: { runId: RUN.certification, image: `${REPO}:1.0.0`, outcome: 'passed' },
      },
      { kind: 'catalog' },
    ]);
  });

  it('community.certifying --ACCEPTANCE_FAILED--> community.active with the outcome', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'community.certifying'),
        ev.failed(RUN.certification, { outcome: 'timeout' }),
      ),
    );
    expect(d.next.state).toBe('community.active');
    expect(d.next.context.gate).toBeNull();
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.certification_failed',
        data: { runId: RUN.certification, image: `${REPO}:1.0.0`, outcome: 'timeout' },
      },
      { kind: 'catalog' },
    ]);
  });

  it('certified.active --DEMOTE--> community.active with the reason', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'certified.active'), ev.demote({ reason: 'no owner' })),
    );
    expect(d.next.state).toBe('community.active');
    expect(d.effects).toEqual([
      { kind: 'notify', type: 'connector.demoted', data: { reason: 'no owner' } },
      { kind: 'catalog' },
    ]);
  });
});

describe('deprecation', () => {
  it.each(['community', 'certified'] as const)(
    '%s.active --DEPRECATE--> %s.deprecated schedules ARCHIVE_DUE at archiveAt',
    (level) => {
      const d = accepted(
        lifecycle.decide(
          reach(lifecycle, `${level}.active`),
          ev.deprecate({ reason: 'old', noticeDays: 100, replacement: 'source-faker-v2' }),
        ),
      );
      const archiveAt = plusDays(T0, 100);
      expect(d.next.state).toBe(`${level}.deprecated`);
      expect(d.effects).toEqual([
        {
          kind: 'notify',
          type: 'connector.deprecated',
          data: {
            deprecation: {
              reason: 'old',
              deprecatedAt: T0,
              archiveAt,
              replacement: 'source-faker-v2',
              automated: false,
            },
          },
        },
        { kind: 'archiveDue', at: archiveAt, archiveAt },
        { kind: 'catalog' },
      ]);
    },
  );

  it.each(['community', 'certified'] as const)(
    '%s.deprecated --CANCEL_DEPRECATION--> %s.active',
    (level) => {
      const d = accepted(
        lifecycle.decide(
          reach(lifecycle, `${level}.deprecated`),
          ev.cancelDeprecation({ reason: 'users complained' }),
        ),
      );
      expect(d.next.state).toBe(`${level}.active`);
      expect(d.next.context.deprecation).toBeNull();
      expect(d.effects).toEqual([
        {
          kind: 'notify',
          type: 'connector.deprecation_cancelled',
          data: { reason: 'users complained' },
        },
        { kind: 'catalog' },
      ]);
    },
  );

  it.each(['community', 'certified'] as const)(
    '%s.deprecated --ARCHIVE_DUE--> archived.idle when the notice ends',
    (level) => {
      const from = reach(lifecycle, `${level}.deprecated`);
      const archiveAt = plusDays(T0, REACH_NOTICE_DAYS[level]);
      expect(from.context.deprecation?.archiveAt).toBe(archiveAt);
      const due = ev.archiveDue(archiveAt);
      const d = accepted(lifecycle.decide(from, due));
      expect(d.next.state).toBe('archived.idle');
      const archive = {
        archivedAt: due.at,
        reason: 'superseded',
        sourceUrl: 'https://github.com/airbytehq/connector-archive/tree/main/source-faker',
      };
      expect(d.next.context.archive).toEqual(archive);
      expect(d.effects).toEqual([
        {
          kind: 'notify',
          type: 'connector.archived',
          data: { reason: 'superseded', deprecation: from.context.deprecation, archive },
        },
        { kind: 'catalog' },
      ]);
    },
  );

  it.each(['community', 'certified'] as const)(
    '%s.deprecated --ARCHIVE_DUE (automated, usage recovered)--> %s.active and users are told',
    (level) => {
      const from = drive(
        lifecycle,
        reach(lifecycle, `${level}.active`),
        ev.deprecate({ automated: true, noticeDays: 90 }),
      );
      const archiveAt = plusDays(T0, 90);
      const d = accepted(
        lifecycle.decide(from, ev.archiveDue(archiveAt, { usageRecovered: true })),
      );
      expect(d.next.state).toBe(`${level}.active`);
      expect(d.next.context.deprecation).toBeNull();
      expect(d.effects).toEqual([
        {
          kind: 'notify',
          type: 'connector.deprecation_cancelled',
          data: { reason: 'usage recovered', automated: true },
        },
        { kind: 'catalog' },
      ]);
    },
  );
});

describe('immediate archival', () => {
  it.each(['community.active', 'community.deprecated'] as const)(
    '%s --ARCHIVE--> archived.idle',
    (name) => {
      const event = ev.archive({ reason: 'unmaintained' });
      const d = accepted(lifecycle.decide(reach(lifecycle, name), event));
      expect(d.next.state).toBe('archived.idle');
      const archive = {
        archivedAt: event.at,
        reason: 'unmaintained',
        sourceUrl: 'https://github.com/airbytehq/connector-archive/tree/main/source-faker',
      };
      expect(d.next.context.archive).toEqual(archive);
      expect(d.effects).toEqual([
        { kind: 'notify', type: 'connector.archived', data: { reason: 'unmaintained', archive } },
        { kind: 'catalog' },
      ]);
    },
  );
});

describe('un-archiving', () => {
  it('archived.idle --REQUEST_UNARCHIVE--> archived.unarchiveTesting tests the new image', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'archived.idle'),
        ev.requestUnarchive({ eventId: 'e-9', dockerImageTag: 'v2.3.0', cdkVersion: '6.1.0' }),
      ),
    );
    expect(d.next.state).toBe('archived.unarchiveTesting');
    const request = {
      requester: 'carol',
      justification: 'we still use it',
      dockerImageTag: '2.3.0',
      cdkVersion: '6.1.0',
      requestedAt: T0,
      runId: 'run-e-9',
      outcome: 'pending',
    };
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.unarchive_requested',
        data: { unarchiveRequest: request },
      },
      { kind: 'acceptance', runId: 'run-e-9', purpose: 'unarchive', image: `${REPO}:2.3.0` },
      { kind: 'catalog' },
    ]);
  });

  it('archived.unarchiveTesting --ACCEPTANCE_PASSED--> archived.unarchiveReview', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'archived.unarchiveTesting'), ev.passed(RUN.unarchive)),
    );
    expect(d.next.state).toBe('archived.unarchiveReview');
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.unarchive_ready_for_review',
        data: {
          runId: RUN.unarchive,
          image: `${REPO}:2.0.0`,
          outcome: 'passed',
          unarchiveRequest: expect.objectContaining({ outcome: 'ready', runId: RUN.unarchive }),
        },
      },
      { kind: 'catalog' },
    ]);
  });

  it('archived.unarchiveTesting --ACCEPTANCE_FAILED--> archived.idle and the request is rejected', () => {
    const d = accepted(
      lifecycle.decide(reach(lifecycle, 'archived.unarchiveTesting'), ev.failed(RUN.unarchive)),
    );
    expect(d.next.state).toBe('archived.idle');
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.unarchive_rejected',
        data: {
          runId: RUN.unarchive,
          image: `${REPO}:2.0.0`,
          outcome: 'failed',
          reason: 'acceptance tests failed',
          unarchiveRequest: expect.objectContaining({
            outcome: 'rejected',
            reason: 'acceptance tests failed',
          }),
        },
      },
      { kind: 'catalog' },
    ]);
  });

  it('archived.unarchiveReview --APPROVE_UNARCHIVE--> community.active', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'archived.unarchiveReview'),
        ev.approveUnarchive({ reason: 'looks good' }),
      ),
    );
    expect(d.next.state).toBe('community.active');
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.unarchived',
        data: {
          reason: 'looks good',
          unarchiveRequest: expect.objectContaining({ outcome: 'approved', requester: 'carol' }),
        },
      },
      { kind: 'catalog' },
    ]);
  });

  it('archived.unarchiveReview --REJECT_UNARCHIVE--> archived.idle', () => {
    const d = accepted(
      lifecycle.decide(
        reach(lifecycle, 'archived.unarchiveReview'),
        ev.rejectUnarchive({ reason: 'no tests for incremental' }),
      ),
    );
    expect(d.next.state).toBe('archived.idle');
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.unarchive_rejected',
        data: {
          reason: 'no tests for incremental',
          unarchiveRequest: expect.objectContaining({
            outcome: 'rejected',
            reason: 'no tests for incremental',
          }),
        },
      },
      { kind: 'catalog' },
    ]);
  });
});

describe('PUBLISH_RELEASE keeps the state and records the version', () => {
  it.each([
    'custom.active',
    'community.active',
    'community.deprecated',
    'certified.active',
    'certified.deprecated',
  ] as const)('%s --PUBLISH_RELEASE--> %s', (name) => {
    const from = reach(lifecycle, name);
    const d = accepted(
      lifecycle.decide(from, ev.publishRelease({ dockerImageTag: '1.2.0', cdkVersion: '6.2.0' })),
    );
    expect(d.next.state).toBe(name);
    expect(d.next.context.dockerImageTag).toBe('1.2.0');
    expect(d.next.context.deprecation).toEqual(from.context.deprecation);
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.release_published',
        data: { dockerImageTag: '1.2.0', cdkVersion: '6.2.0', breakingChange: null },
      },
      { kind: 'catalog' },
    ]);
  });
});

describe('the whole table of SPEC section 2', () => {
  it.each(SPEC_TRANSITIONS.map((t) => [edgeKey(t) + (t.variant ? ` (${t.variant})` : ''), t]))(
    '%s',
    (_label, t) => {
      const from = sourceFor(lifecycle, t);
      const d = accepted(lifecycle.decide(from, eventForTransition(t, from)));
      expect(d.next.state).toBe(t.to);
      // the catalog always reflects the current support levels: exactly one catalog update
      expect(d.effects.filter((e) => e.kind === 'catalog')).toHaveLength(1);
      // the event's own context carries through: identity fields never change
      expect(d.next.context.id).toBe(from.context.id);
      expect(d.next.context.definitionId).toBe(from.context.definitionId);
    },
  );

  it('covers every state of STATE_NAMES as a source or a target', () => {
    const covered = new Set(SPEC_TRANSITIONS.flatMap((t) => [t.from, t.to]));
    expect([...covered].sort()).toEqual([...STATE_NAMES].sort());
  });

  it('a connector registered as community starts in community.active; custom in custom.active', () => {
    expect(lifecycle.initialState('community', baseContext()).state).toBe('community.active');
    expect(lifecycle.initialState('custom', baseContext()).state).toBe('custom.active');
    // and so does the bare machine
    const actor = createActor(lifecycle.machine, { input: baseContext() });
    expect(actor.getSnapshot().value).toEqual({ community: 'active' });
  });
});
