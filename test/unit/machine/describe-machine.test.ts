/** describeMachine (GET /v1/machine) and the static shape of the machine definition. */
import { describe, it, expect } from 'vitest';
import { getStateNodes, toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { describeMachine } from '../../../machines/connector-lifecycle.js';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import { API_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../../machines/connector-events.js';
import { INTERNAL_SELF_TRANSITIONS, SPEC_TRANSITIONS, edgeKey, newLifecycle } from './fixtures.js';

const lifecycle = newLifecycle();
/** SPEC §2's diagram, plus the internal reminders and review suggestions (SPEC §3, §8). */
const specEdges = [
  ...new Set([...SPEC_TRANSITIONS, ...INTERNAL_SELF_TRANSITIONS].map(edgeKey)),
].sort();

describe('describeMachine', () => {
  const description = describeMachine(lifecycle);

  it('lists the ten states with their support level and status', () => {
    expect(description.id).toBe('connector');
    expect(description.states.map((s) => s.state).sort()).toEqual([...STATE_NAMES].sort());
    for (const s of description.states) expect(`${s.supportLevel}.${s.status}`).toBe(s.state);
  });

  it('lists exactly the transitions of SPEC §2', () => {
    const edges = description.states.flatMap((s) =>
      s.transitions.map((t) => edgeKey({ from: s.state, event: t.event, to: t.target })),
    );
    expect([...new Set(edges)].sort()).toEqual(specEdges);
  });

  it('marks internal events and names the guards', () => {
    for (const s of description.states) {
      for (const t of s.transitions) {
        expect(t.internal).toBe((INTERNAL_EVENT_TYPES as readonly string[]).includes(t.event));
        if (t.internal) expect(API_EVENT_TYPES as readonly string[]).not.toContain(t.event);
      }
    }
    const guardOf = (state: string, event: string) =>
      description.states
        .find((s) => s.state === state)
        ?.transitions.filter((t) => t.event === event)
        .map((t) => t.guard);
    expect(guardOf('certified.active', 'DEPRECATE')).toEqual(['policyAllows']);
    expect(guardOf('community.certifying', 'ACCEPTANCE_PASSED')).toEqual(['gateMatches']);
    expect(guardOf('archived.idle', 'REQUEST_UNARCHIVE')).toEqual(['policyAllows']);
    expect(guardOf('certified.deprecated', 'ARCHIVE_DUE')).toEqual([
      'archiveDueButRecovered',
      'archiveDueCurrent',
    ]);
    expect(guardOf('certified.active', 'DEMOTE')).toEqual([null]);
  });

  it('is JSON-serializable (served over HTTP)', () => {
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });
});

describe('machine definition (xstate/graph)', () => {
  it('toDirectedGraph edges are exactly the transitions of SPEC §2', () => {
    const edges: string[] = [];
    const visit = (node: DirectedGraphNode) => {
      for (const e of node.edges) {
        const name = (n: typeof e.source) => n.path.join('.');
        edges.push(edgeKey({ from: name(e.source), event: e.label.text, to: name(e.target) }));
      }
      node.children.forEach(visit);
    };
    visit(toDirectedGraph(lifecycle.machine));
    expect([...new Set(edges)].sort()).toEqual(specEdges);
  });

  it('has the ten leaf states and no other', () => {
    const leaves = getStateNodes(lifecycle.machine)
      .filter((n) => n.type === 'atomic')
      .map((n) => n.path.join('.'));
    expect(leaves.sort()).toEqual([...STATE_NAMES].sort());
  });

  it('timers are durable: no `after` delays, no invoked actors, no entry/exit side effects', () => {
    for (const node of [lifecycle.machine.root, ...getStateNodes(lifecycle.machine)]) {
      expect([node.id, node.after.length, node.invoke.length]).toEqual([node.id, 0, 0]);
      expect([node.id, node.entry.length, node.exit.length]).toEqual([node.id, 0, 0]);
    }
  });
});
