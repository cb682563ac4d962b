/**
 * Walks the machine with XState's graph tools. The context changes on every event, so the state
 * graph is infinite: vertices are keyed on the state value only (plus whether a deprecation is
 * automated, which decides the ARCHIVE_DUE branch), and events are computed from each snapshot.
 */
import { describe, it, expect } from 'vitest';
import semver from 'semver';
import { transition, type SnapshotFrom } from 'xstate';
import {
  createTestModel,
  getAdjacencyMap,
  getPathsFromEvents,
  getShortestPaths,
  getSimplePaths,
  type StatePath,
} from 'xstate/graph';
import { STATE_NAMES, type StateName } from '../../../machines/connector-types.js';
import type { ConnectorEvent } from '../../../machines/connector-events.js';
import type { LifecycleState } from '../../../machines/connector-lifecycle.js';
import type { ConnectorMachine } from '../../../machines/connector-machine.js';
import { SPEC_TRANSITIONS, T0, baseContext, edgeKey, newLifecycle } from './fixtures.js';

const lifecycle = newLifecycle();
const machine = lifecycle.machine;
type Snap = SnapshotFrom<ConnectorMachine>;
type Path = StatePath<Snap, ConnectorEvent>;

function nameOf(snapshot: Snap): StateName {
  const [level, status] = Object.entries(snapshot.value as Record<string, string>)[0]!;
  return `${level}.${status}` as StateName;
}

/** Finite vertex key: the state, and for deprecated states whether the sweep deprecated it. */
function serializeState(snapshot: Snap): string {
  const name = nameOf(snapshot);
  return name.endsWith('.deprecated') && snapshot.context.deprecation?.automated
    ? `${name} (automated)`
    : name;
}

/** Every event the machine knows, with valid payloads for this snapshot. */
function eventsFor(snapshot: Snap): ConnectorEvent[] {
  const { context } = snapshot;
  const meta = (eventId: string) => ({ eventId, actor: 'graph-walker', at: T0 });
  const runId = context.gate?.runId ?? 'run-none';
  const archiveAt = context.deprecation?.archiveAt ?? T0;
  const nextTag = semver.inc(context.dockerImageTag, 'minor') ?? '99.0.0';
  return [
    { type: 'CONTRIBUTE', ...meta('contribute') },
    { type: 'REQUEST_CERTIFICATION', ...meta('certify') },
    { type: 'DEMOTE', reason: 'demoted by walker', ...meta('demote') },
    { type: 'DEPRECATE', reason: 'manual', noticeDays: 90, ...meta('deprecate') },
    {
      type: 'DEPRECATE',
      reason: 'low usage',
      noticeDays: 90,
      automated: true,
      ...meta('deprecate-auto'),
    },
    { type: 'CANCEL_DEPRECATION', ...meta('cancel') },
    { type: 'ARCHIVE', reason: 'archived by walker', ...meta('archive') },
    { type: 'PUBLISH_RELEASE', dockerImageTag: nextTag, ...meta('release') },
    {
      type: 'REQUEST_UNARCHIVE',
      justification: 'revive',
      dockerImageTag: nextTag,
      cdkVersion: '6.0.0',
      ...meta('unarchive'),
    },
    { type: 'APPROVE_UNARCHIVE', ...meta('approve') },
    { type: 'REJECT_UNARCHIVE', reason: 'no', ...meta('reject') },
    { type: 'ACCEPTANCE_PASSED', runId, ...meta('passed') },
    { type: 'ACCEPTANCE_FAILED', runId, outcome: 'failed', ...meta('failed') },
    {
      type: 'ARCHIVE_DUE',
      archiveAt,
      usageRecovered: false,
      ...meta('due'),
      at: archiveAt,
    },
    {
      type: 'ARCHIVE_DUE',
      archiveAt,
      usageRecovered: true,
      ...meta('due-recovered'),
      at: archiveAt,
    },
  ];
}

const fromCustom = machine.resolveState({ value: { custom: 'active' }, context: baseContext() });
const traversal = { events: eventsFor, serializeState, limit: 10_000 };

/** The (from, event, to) arrows taken along a path (after alterPath, steps[0] is xstate.init). */
function arrows(path: Path): { from: Snap; event: ConnectorEvent; to: Snap }[] {
  return path.steps
    .slice(1)
    .map((step, i) => ({ from: path.steps[i]!.state, event: step.event, to: step.state }));
}

function specKey(a: { from: Snap; event: ConnectorEvent; to: Snap }): string {
  return edgeKey({ from: nameOf(a.from), event: a.event.type, to: nameOf(a.to) });
}

const specEdges = new Set(SPEC_TRANSITIONS.map(edgeKey));
const selfLoops = SPEC_TRANSITIONS.filter((t) => t.from === t.to);
const moves = SPEC_TRANSITIONS.filter((t) => t.from !== t.to);

describe('reachability', () => {
  it('from custom.active every state of STATE_NAMES is reachable (shortest paths)', () => {
    const paths = getShortestPaths(machine, { ...traversal, fromState: fromCustom });
    const reached = new Set(paths.map((p) => nameOf(p.state)));
    expect([...reached].sort()).toEqual([...STATE_NAMES].sort());
    // the automated deprecation is a vertex of its own
    expect(paths.map((p) => serializeState(p.state))).toContain('community.deprecated (automated)');
    // and each shortest path only takes arrows of the spec
    for (const path of paths) {
      for (const a of arrows(path)) expect(specEdges).toContain(specKey(a));
    }
  });

  it('from the initial state (community.active) everything but custom.* is reachable', () => {
    const paths = getShortestPaths(machine, { ...traversal, input: baseContext() });
    expect(nameOf(paths[0]!.steps[0]!.state)).toBe('community.active');
    const reached = new Set(paths.map((p) => nameOf(p.state)));
    expect([...reached].sort()).toEqual(STATE_NAMES.filter((s) => !s.startsWith('custom.')).sort());
  });

  it('the shortest route to certified.active goes through the certification gate', () => {
    const [path] = getShortestPaths(machine, {
      ...traversal,
      fromState: fromCustom,
      toState: (s) => nameOf(s) === 'certified.active',
    });
    expect(path!.steps.slice(1).map((s) => s.event.type)).toEqual([
      'CONTRIBUTE',
      'ACCEPTANCE_PASSED',
      'REQUEST_CERTIFICATION',
      'ACCEPTANCE_PASSED',
    ]);
  });
});

describe('simple paths', () => {
  const paths = getSimplePaths(machine, { ...traversal, fromState: fromCustom });

  it('reach every state', () => {
    expect(new Set(paths.map((p) => nameOf(p.state)))).toEqual(new Set(STATE_NAMES));
  });

  it('take every state-changing transition of SPEC §2, and only those', () => {
    const taken = new Set(paths.flatMap((p) => arrows(p).map(specKey)));
    expect([...taken].sort()).toEqual([...new Set(moves.map(edgeKey))].sort());
  });

  it('take both ARCHIVE_DUE branches: recovered automated → active, otherwise → archived', () => {
    const due = paths.flatMap((p) => arrows(p)).filter((a) => a.event.type === 'ARCHIVE_DUE');
    const outcomes = new Set(
      due.map(
        (a) =>
          `${serializeState(a.from)} ${a.event.type === 'ARCHIVE_DUE' && a.event.usageRecovered ? 'recovered' : 'not recovered'} → ${nameOf(a.to)}`,
      ),
    );
    expect([...outcomes].sort()).toEqual(
      [
        'certified.deprecated (automated) not recovered → archived.idle',
        'certified.deprecated (automated) recovered → certified.active',
        'certified.deprecated not recovered → archived.idle',
        'certified.deprecated recovered → archived.idle',
        'community.deprecated (automated) not recovered → archived.idle',
        'community.deprecated (automated) recovered → community.active',
        'community.deprecated not recovered → archived.idle',
        'community.deprecated recovered → archived.idle',
      ].sort(),
    );
  });

  it('replay through ConnectorLifecycle.decide: every step is accepted into the same state', () => {
    expect(paths.length).toBeGreaterThan(STATE_NAMES.length);
    for (const path of paths) {
      let current: LifecycleState = { state: 'custom.active', context: baseContext() };
      for (const a of arrows(path)) {
        const decision = lifecycle.decide(current, a.event);
        expect([specKey(a), decision.kind]).toEqual([specKey(a), 'accepted']);
        if (decision.kind !== 'accepted') break;
        expect(decision.next.state).toBe(nameOf(a.to));
        current = decision.next;
      }
      expect(current.state).toBe(nameOf(path.state));
    }
  });
});

describe('self-loops (PUBLISH_RELEASE)', () => {
  const adjacency = getAdjacencyMap(machine, { ...traversal, fromState: fromCustom });

  it('the adjacency map has exactly the 12 vertices expected', () => {
    expect(Object.keys(adjacency).sort()).toEqual(
      [
        ...STATE_NAMES,
        'community.deprecated (automated)',
        'certified.deprecated (automated)',
      ].sort(),
    );
  });

  it('accepted transitions that keep the state are exactly the releases of SPEC §2', () => {
    const loops = Object.values(adjacency).flatMap((v) =>
      Object.values(v.transitions)
        .filter((t) => t.state !== v.state && nameOf(t.state) === nameOf(v.state))
        .map((t) => edgeKey({ from: nameOf(v.state), event: t.event.type, to: nameOf(t.state) })),
    );
    expect([...new Set(loops)].sort()).toEqual(selfLoops.map(edgeKey).sort());
  });

  it.each(selfLoops.map((t) => [t.from]))(
    'a path to %s followed by PUBLISH_RELEASE records the new version',
    (name) => {
      const [path] = getShortestPaths(machine, {
        ...traversal,
        fromState: fromCustom,
        toState: (s) => serializeState(s) === name,
      });
      const release = eventsFor(path!.state).find((e) => e.type === 'PUBLISH_RELEASE')!;
      const [next] = transition(machine, path!.state, release);
      expect(nameOf(next)).toBe(name);
      expect(next.context.dockerImageTag).not.toBe(path!.state.context.dockerImageTag);
      expect(next.context.dockerImageTag).toBe(
        release.type === 'PUBLISH_RELEASE' ? release.dockerImageTag : '',
      );
    },
  );

  it('every arrow of SPEC §2 is on some path (moves on simple paths, loops appended)', () => {
    const simple = getSimplePaths(machine, { ...traversal, fromState: fromCustom });
    const covered = new Set(simple.flatMap((p) => arrows(p).map(specKey)));
    for (const t of selfLoops) covered.add(edgeKey(t));
    expect([...covered].sort()).toEqual([...specEdges].sort());
  });
});

describe('getPathsFromEvents', () => {
  it('follows a whole life: contribute, certify, release, deprecate, archive, revive', () => {
    const context = baseContext();
    const m = (eventId: string, at = T0) => ({ eventId, actor: 'walker', at });
    const archiveAt = '2025-04-01T00:00:00.000Z'; // T0 + 90 days
    const events: ConnectorEvent[] = [
      { type: 'CONTRIBUTE', ...m('c1') },
      { type: 'ACCEPTANCE_PASSED', runId: 'run-c1', ...m('p1') },
      { type: 'REQUEST_CERTIFICATION', ...m('c2') },
      { type: 'ACCEPTANCE_PASSED', runId: 'run-c2', ...m('p2') },
      { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0', ...m('r1') },
      { type: 'DEPRECATE', reason: 'old', noticeDays: 90, ...m('d1') },
      { type: 'ARCHIVE_DUE', archiveAt, usageRecovered: false, ...m('t1', archiveAt) },
      {
        type: 'REQUEST_UNARCHIVE',
        justification: 'j',
        dockerImageTag: '2.0.0',
        cdkVersion: '6.0.0',
        ...m('u1'),
      },
      { type: 'ACCEPTANCE_PASSED', runId: 'run-u1', ...m('p3') },
      { type: 'APPROVE_UNARCHIVE', ...m('a1') },
    ];
    const [path] = getPathsFromEvents(machine, events, {
      fromState: machine.resolveState({ value: { custom: 'active' }, context }),
      serializeState: (s: Snap) => JSON.stringify([s.value, s.context]),
      limit: 10_000,
    });
    expect(path!.steps.map((s) => nameOf(s.state))).toEqual([
      'custom.active',
      'custom.contributing',
      'community.active',
      'community.certifying',
      'certified.active',
      'certified.active',
      'certified.deprecated',
      'archived.idle',
      'archived.unarchiveTesting',
      'archived.unarchiveReview',
      'community.active',
    ]);
    expect(path!.state.context).toMatchObject({
      dockerImageTag: '2.0.0',
      maintainers: ['alice', 'walker'],
      deprecation: null,
      unarchiveRequest: { outcome: 'approved', runId: 'run-u1' },
    });
  });
});

describe('createTestModel: the lifecycle as system under test', () => {
  const model = createTestModel(machine, { events: eventsFor, serializeState });

  const paths = model.getShortestPaths({ fromState: fromCustom });

  it('produces a path to every state', () => {
    expect(new Set(paths.map((p) => nameOf(p.state)))).toEqual(new Set(STATE_NAMES));
  });

  it.each(paths.map((p) => [p.description, p]))('%s', async (_description, path) => {
    let current: LifecycleState = { state: 'custom.active', context: baseContext() };
    const apply = (step: { event: { type: string } }) => {
      const decision = lifecycle.decide(current, step.event as ConnectorEvent);
      expect(decision.kind).toBe('accepted');
      if (decision.kind === 'accepted') current = decision.next;
    };
    const result = await path.test({
      events: Object.fromEntries(eventsFor(fromCustom).map((e) => [e.type, apply])),
      states: {
        '*': (snapshot) => {
          expect(current.state).toBe(nameOf(snapshot));
          expect(lifecycle.allowedEvents(current.state)).toEqual(
            lifecycle.allowedEvents(nameOf(snapshot)),
          );
        },
      },
    });
    expect(result.steps).toHaveLength(path.steps.length);
    expect(current.state).toBe(nameOf(path.state));
  });
});
