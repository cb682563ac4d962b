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
  type AdjacencyMap,
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
    expect(paths.length).toBeGreaterThan(STATE_NAMES.length);
  });

  it('only take arrows of SPEC §2, and every forward arrow', () => {
    const taken = new Set(paths.flatMap((p) => arrows(p).map(specKey)));
    for (const key of taken) expect(specEdges).toContain(key);
    // a simple path never returns to a vertex it has visited, so the arrows back to an earlier
    // state (test failures, cancellation, approval...) are covered by the edge walk below
    expect([...taken].sort()).toEqual(
      [
        'archived.idle --REQUEST_UNARCHIVE--> archived.unarchiveTesting',
        'archived.unarchiveTesting --ACCEPTANCE_PASSED--> archived.unarchiveReview',
        'certified.active --DEPRECATE--> certified.deprecated',
        'certified.deprecated --ARCHIVE_DUE--> archived.idle',
        'community.active --ARCHIVE--> archived.idle',
        'community.active --DEPRECATE--> community.deprecated',
        'community.active --REQUEST_CERTIFICATION--> community.certifying',
        'community.certifying --ACCEPTANCE_PASSED--> certified.active',
        'community.deprecated --ARCHIVE--> archived.idle',
        'community.deprecated --ARCHIVE_DUE--> archived.idle',
        'custom.active --CONTRIBUTE--> custom.contributing',
        'custom.contributing --ACCEPTANCE_PASSED--> community.active',
      ].sort(),
    );
  });

  it('replay through ConnectorLifecycle.decide: every step is accepted into the same state', () => {
    for (const path of paths) {
      const end = replay(path);
      expect(end.state).toBe(nameOf(path.state));
    }
  });
});

/** Applies the events of a path to a connector through the lifecycle; all must be accepted. */
function replay(path: Path): LifecycleState {
  let current: LifecycleState = { state: nameOf(path.steps[0]!.state), context: baseContext() };
  for (const a of arrows(path)) {
    const decision = lifecycle.decide(current, a.event);
    expect([specKey(a), decision.kind]).toEqual([specKey(a), 'accepted']);
    if (decision.kind !== 'accepted') break;
    expect(decision.next.state).toBe(nameOf(a.to));
    current = decision.next;
  }
  return current;
}

describe('every transition on some path (shortest path to its source, then the transition)', () => {
  const adjacency: AdjacencyMap<Snap, ConnectorEvent> = getAdjacencyMap(machine, {
    ...traversal,
    fromState: fromCustom,
  });
  const shortest = new Map(
    getShortestPaths(machine, { ...traversal, fromState: fromCustom }).map((p) => [
      serializeState(p.state),
      p,
    ]),
  );
  /**
   * One path per accepted transition out of each vertex. Vertices are keyed lossily, so the
   * snapshot the graph tools keep for a key need not be the one its path leads to: the head's
   * events are re-run to get the true snapshot, and the last event is computed from it.
   */
  const edgePaths: Path[] = [...shortest.values()].flatMap((head) => {
    let state = head.steps[0]!.state;
    const steps: Path['steps'] = [head.steps[0]!];
    for (const step of head.steps.slice(1)) {
      [state] = transition(machine, state, step.event);
      steps.push({ state, event: step.event });
    }
    return eventsFor(state).flatMap((event) => {
      const [next] = transition(machine, state, event);
      // an event the state does not take leaves the snapshot untouched
      if (next === state) return [];
      return [{ state: next, steps: [...steps, { state: next, event }], weight: steps.length }];
    });
  });

  it('the adjacency map has exactly the 12 expected vertices', () => {
    expect(Object.keys(adjacency).sort()).toEqual(
      [
        ...STATE_NAMES,
        'community.deprecated (automated)',
        'certified.deprecated (automated)',
      ].sort(),
    );
    expect([...shortest.keys()].sort()).toEqual(Object.keys(adjacency).sort());
    // and an accepted transition always leads to one of them
    for (const vertex of Object.values(adjacency)) {
      // (the branded key of `transitions` defeats type inference: spell its type out)
      const transitions = vertex.transitions as Record<
        string,
        { event: ConnectorEvent; state: Snap }
      >;
      for (const t of Object.values(transitions)) {
        expect(Object.keys(adjacency)).toContain(serializeState(t.state));
      }
    }
  });

  it('covers exactly the arrows of SPEC §2, self-loops included', () => {
    const covered = new Set(edgePaths.map((p) => specKey(arrows(p).at(-1)!)));
    expect([...covered].sort()).toEqual([...specEdges].sort());
  });

  it('each of these paths replays through ConnectorLifecycle.decide', () => {
    expect(edgePaths.length).toBeGreaterThanOrEqual(SPEC_TRANSITIONS.length);
    for (const path of edgePaths) {
      const end = replay(path);
      expect(end.state).toBe(nameOf(path.state));
      // here the steps are a true trace, so the contexts agree too
      expect(end.context).toEqual(path.state.context);
    }
  });

  it('PUBLISH_RELEASE keeps the state and records the new version', () => {
    const releases = edgePaths.filter((p) => arrows(p).at(-1)!.event.type === 'PUBLISH_RELEASE');
    expect(new Set(releases.map((p) => nameOf(p.state)))).toEqual(
      new Set(SPEC_TRANSITIONS.filter((t) => t.from === t.to).map((t) => t.from)),
    );
    for (const path of releases) {
      const last = arrows(path).at(-1)!;
      expect(nameOf(last.to)).toBe(nameOf(last.from));
      expect(last.to.context.dockerImageTag).not.toBe(last.from.context.dockerImageTag);
      expect(last.event.type === 'PUBLISH_RELEASE' && last.event.dockerImageTag).toBe(
        last.to.context.dockerImageTag,
      );
    }
  });

  it('ARCHIVE_DUE: recovered automated deprecations go back to active, the rest are archived', () => {
    const outcomes = new Set(
      edgePaths
        .map((p) => arrows(p).at(-1)!)
        .filter((a) => a.event.type === 'ARCHIVE_DUE')
        .map(
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

  it('no internal event is accepted outside its states', () => {
    const internal = edgePaths
      .map((p) => arrows(p).at(-1)!)
      .filter((a) =>
        ['ACCEPTANCE_PASSED', 'ACCEPTANCE_FAILED', 'ARCHIVE_DUE'].includes(a.event.type),
      )
      .map((a) => nameOf(a.from));
    expect([...new Set(internal)].sort()).toEqual(
      [
        'archived.unarchiveTesting',
        'certified.deprecated',
        'community.certifying',
        'community.deprecated',
        'custom.contributing',
      ].sort(),
    );
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

  it('visits every state along its (deduplicated) paths', () => {
    const visited = new Set(paths.flatMap((p) => p.steps.map((s) => nameOf(s.state))));
    expect(visited).toEqual(new Set(STATE_NAMES));
  });

  const label = (e: ConnectorEvent) =>
    e.type === 'DEPRECATE' && e.automated ? 'DEPRECATE (automated)' : e.type;
  const title = (p: (typeof paths)[number]) =>
    [...p.steps.map((s, i) => (i === 0 ? 'custom.active' : label(s.event))), nameOf(p.state)].join(
      ' → ',
    );

  it.each(paths.map((p) => [title(p), p]))('%s', async (_title, path) => {
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
          // run ids are run-<eventId>, so the model and the lifecycle gate the same run
          expect(current.context.gate?.runId).toBe(snapshot.context.gate?.runId);
        },
      },
    });
    expect(result.steps).toHaveLength(path.steps.length);
    expect(current.state).toBe(nameOf(path.state));
  });
});
