import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { API_EVENT_TYPES, type ConnectorEvent } from '../../../machines/connector-events.js';
import { STATE_NAMES, type StateName } from '../../../machines/connector-types.js';
import { machineTransition } from '../../../machines/machine-transition.js';
import {
  apiEventOf,
  edgeKey,
  eventForTransition,
  INTERNAL_SELF_TRANSITIONS,
  newLifecycle,
  reach,
  sourceFor,
  SPEC_TRANSITIONS,
} from './fixtures.js';

const lifecycle = newLifecycle();
const step = machineTransition(lifecycle.machine);

function snapshotOf(state: StateName, context: ReturnType<typeof reach>['context']) {
  const [supportLevel, status] = state.split('.') as [string, string];
  return lifecycle.machine.resolveState({ value: { [supportLevel]: status }, context });
}

/** What a step leaves for the caller: where it goes, the context, and the actions' params. */
function outcome([next, actions]: [
  { value: unknown; context: unknown; status: string },
  { type: string; params: unknown }[],
]) {
  return {
    value: next.value,
    context: next.context,
    status: next.status,
    actions: actions.map((a) => ({ type: a.type, params: a.params })),
  };
}

/** Every transition of SPEC §2, the internal self-transitions, and every API event in every state. */
const cases: {
  name: string;
  state: StateName;
  from: ReturnType<typeof reach>;
  event: ConnectorEvent;
}[] = [
  ...[...SPEC_TRANSITIONS, ...INTERNAL_SELF_TRANSITIONS].map((t) => {
    const from = sourceFor(lifecycle, t);
    return { name: edgeKey(t), state: from.state, from, event: eventForTransition(t, from) };
  }),
  ...STATE_NAMES.flatMap((state) =>
    API_EVENT_TYPES.map((type) => ({
      name: `${state} ${type}`,
      state,
      from: reach(lifecycle, state),
      event: apiEventOf(type),
    })),
  ),
];

describe('machineTransition (one inert scope per machine)', () => {
  it.each(cases)('$name: the same outcome as xstate transition()', ({ state, from, event }) => {
    const expected = outcome(transition(lifecycle.machine, snapshotOf(state, from.context), event));
    const actual = outcome(step(snapshotOf(state, from.context), event));
    expect(actual).toEqual(expected);
  });

  it('returns only the actions of its own step, however many steps ran before', () => {
    const from = reach(lifecycle, 'community.active');
    const event = apiEventOf('PUBLISH_RELEASE');
    const first = step(snapshotOf(from.state, from.context), event)[1];
    expect(first.length).toBeGreaterThan(0);
    for (let i = 0; i < 3; i += 1) {
      const again = step(snapshotOf(from.state, from.context), event)[1];
      expect(again.map((a) => a.params)).toEqual(first.map((a) => a.params));
    }
    const ignored = step(snapshotOf('archived.idle', from.context), apiEventOf('PUBLISH_RELEASE'));
    expect(ignored[1]).toEqual([]);
  });

  it('executes nothing: the snapshot it is given is left as it was', () => {
    const from = reach(lifecycle, 'community.active');
    const snapshot = snapshotOf(from.state, from.context);
    const before = structuredClone(snapshot.context);
    const [next] = step(snapshot, apiEventOf('DEPRECATE'));
    expect(next.value).toEqual({ community: 'deprecated' });
    expect(snapshot.context).toEqual(before);
    expect(snapshot.value).toEqual({ community: 'active' });
  });
});
