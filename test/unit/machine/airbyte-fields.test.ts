/** The machine's share of Airbyte interoperability (SPEC §11), decided without I/O. */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../machines/connector-lifecycle.js';
import { DEFAULT_POLICY } from '../../../machines/lifecycle-policy.js';
import { RUN, T0, accepted, baseContext, drive, ev, newLifecycle, reach } from './fixtures.js';

const lifecycle = newLifecycle();
const SPEC = { connectionSpecification: { type: 'object' } };

function blockedCode(decision: Decision): string {
  if (decision.kind !== 'blocked') throw new Error(`not blocked: ${JSON.stringify(decision)}`);
  return decision.violation.code;
}

describe('breaking changes are keyed by plain X.Y.Z versions', () => {
  const change = {
    message: 'renamed',
    upgradeDeadline: '2030-01-01',
    migrationDocumentationUrl: 'https://docs.example.com/m',
  };

  it.each(['community.active', 'certified.active', 'custom.active'] as const)(
    'a breaking change on a pre-release tag is BREAKING_CHANGE_VERSION (%s)',
    (state) => {
      const d = lifecycle.decide(
        reach(lifecycle, state),
        ev.publishRelease({ dockerImageTag: '2.0.0-rc.1', breakingChange: change }),
      );
      expect(blockedCode(d)).toBe('BREAKING_CHANGE_VERSION');
    },
  );

  it('a pre-release without a breaking change, and a plain version with one, are accepted', () => {
    const from = reach(lifecycle, 'community.active');
    accepted(lifecycle.decide(from, ev.publishRelease({ dockerImageTag: '2.0.0-rc.1' })));
    const d = accepted(
      lifecycle.decide(
        from,
        ev.publishRelease({
          dockerImageTag: '2.0.0',
          breakingChange: {
            ...change,
            deadlineAction: 'auto_upgrade',
            scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }],
          },
        }),
      ),
    );
    expect(d.next.context.breakingChanges['2.0.0']).toEqual({
      ...change,
      upgradeDeadline: '2030-01-01T00:00:00.000Z',
      deadlineAction: 'auto_upgrade',
      scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }],
    });
  });
});

describe('a release carries Airbyte fields', () => {
  it('sets the fields it names and keeps the others', () => {
    const from = reach(
      lifecycle,
      'community.active',
      baseContext({ license: 'ELv2', tags: ['language:python'] }),
    );
    const d = accepted(
      lifecycle.decide(
        from,
        ev.publishRelease({ dockerImageTag: '1.1.0', spec: SPEC, releaseStage: 'beta' }),
      ),
    );
    expect(d.next.context).toMatchObject({
      spec: SPEC,
      releaseStage: 'beta',
      license: 'ELv2',
      tags: ['language:python'],
      dockerImageTag: '1.1.0',
    });
  });
});

describe("a passing acceptance run's spec", () => {
  it('becomes the spec on contribution and certification', () => {
    const contributing = reach(lifecycle, 'custom.contributing');
    const contributed = accepted(
      lifecycle.decide(contributing, ev.passed(RUN.contribution, { spec: SPEC })),
    );
    expect(contributed.next.context.spec).toEqual(SPEC);
    const certifying = reach(lifecycle, 'community.certifying');
    const certified = accepted(
      lifecycle.decide(certifying, ev.passed(RUN.certification, { spec: SPEC })),
    );
    expect(certified.next.state).toBe('certified.active');
    expect(certified.next.context.spec).toEqual(SPEC);
  });

  it('a run without one keeps the current spec', () => {
    const certifying = reach(
      lifecycle,
      'community.certifying',
      baseContext({ spec: { old: true } }),
    );
    const d = accepted(lifecycle.decide(certifying, ev.passed(RUN.certification)));
    expect(d.next.context.spec).toEqual({ old: true });
  });

  it('of an un-archive run waits in the request until the approval', () => {
    const testing = reach(lifecycle, 'archived.unarchiveTesting');
    const review = accepted(lifecycle.decide(testing, ev.passed(RUN.unarchive, { spec: SPEC })));
    expect(review.next.context.spec).toBeNull();
    expect(review.next.context.unarchiveRequest?.spec).toEqual(SPEC);
    const approved = drive(lifecycle, review.next, ev.approveUnarchive());
    expect(approved.state).toBe('community.active');
    expect(approved.context.spec).toEqual(SPEC);
    expect(approved.context.archive).toBeNull();
    const rejected = drive(lifecycle, review.next, ev.rejectUnarchive());
    expect(rejected.context.spec).toBeNull();
    expect(rejected.context.archive).not.toBeNull();
  });
});

describe('imported connectors', () => {
  it('start in certified.active, community.active or archived.idle', () => {
    const context = baseContext();
    expect(lifecycle.importedState('certified', context, T0).state).toBe('certified.active');
    expect(lifecycle.importedState('community', context, T0).state).toBe('community.active');
    const archived = lifecycle.importedState('archived', context, T0);
    expect(archived.state).toBe('archived.idle');
    expect(archived.context.archive).toEqual({
      archivedAt: T0,
      reason: expect.stringContaining('archived'),
      sourceUrl: DEFAULT_POLICY.archiveSourceUrl.replace('{connectorId}', 'source-faker'),
    });
    const named = lifecycle.importedState('archived', context, T0, 'https://git.example.com/x');
    expect(named.context.archive?.sourceUrl).toBe('https://git.example.com/x');
  });

  it('send no webhook: their only effect is the catalog', () => {
    expect(lifecycle.importEffects()).toEqual([{ kind: 'catalog' }]);
  });

  it('with an unknown language have no CDK floor for un-archiving', () => {
    const archived = reach(lifecycle, 'archived.idle', baseContext({ language: null }));
    const d = accepted(lifecycle.decide(archived, ev.requestUnarchive({ cdkVersion: '0.0.1' })));
    expect(d.next.state).toBe('archived.unarchiveTesting');
  });
});
