import type { SnapshotFrom } from 'xstate';
import type { ConnectorContext, StateName, Status, SupportLevel } from './connector-types.js';
import { API_EVENT_TYPES, type ApiEventType, type ConnectorEvent } from './connector-events.js';
import { isEffect, type Effect } from './effects.js';
import { checkPolicy, type LifecyclePolicy, type PolicyViolation } from './lifecycle-policy.js';
import { createConnectorMachine, type ConnectorMachine } from './connector-machine.js';
import { registration, type RegistrationLevel } from './registration.js';
import { archiveInfo } from './airbyte-updates.js';
import { machineTransition, type MachineTransition } from './machine-transition.js';

/** A connector's lifecycle state as stored: where it is and what it carries. */
export interface LifecycleState {
  state: StateName;
  context: ConnectorContext;
}

export type Decision =
  | { kind: 'accepted'; next: LifecycleState; effects: Effect[] }
  /** the current state does not handle this event at all (409) */
  | { kind: 'notAllowed'; state: StateName; allowedEvents: ApiEventType[] }
  /** a policy guard blocked it (422) */
  | { kind: 'blocked'; state: StateName; violation: PolicyViolation }
  /** an internal event that no longer applies (a stale timer or a superseded test run) */
  | { kind: 'stale'; state: StateName };

type Snapshot = SnapshotFrom<ConnectorMachine>;

/** splitState's answers by state name (a few dozen at most: the machine's states). */
const SPLIT_STATES = new Map<string, Readonly<{ supportLevel: SupportLevel; status: Status }>>();
const SPLIT_STATES_MAX = 64;

/** A state name's two parts; the same frozen object for the same name (it runs several times per event). */
export function splitState(
  state: StateName,
): Readonly<{ supportLevel: SupportLevel; status: Status }> {
  const known = SPLIT_STATES.get(state);
  if (known) return known;
  const [supportLevel, status] = state.split('.') as [SupportLevel, Status];
  const parts = Object.freeze({ supportLevel, status });
  if (SPLIT_STATES.size < SPLIT_STATES_MAX) SPLIT_STATES.set(state, parts);
  return parts;
}

/** The lifecycle, bound to one policy: the only place that decides what may happen. */
export class ConnectorLifecycle {
  readonly machine: ConnectorMachine;
  private readonly transition: MachineTransition<ConnectorMachine>;
  private readonly allowedByState = new Map<string, ApiEventType[]>();

  constructor(readonly policy: LifecyclePolicy) {
    this.machine = createConnectorMachine(policy);
    this.transition = machineTransition(this.machine);
  }

  /** The state a newly registered connector starts in (registration.ts). */
  initialState(supportLevel: RegistrationLevel, context: ConnectorContext): LifecycleState {
    return registration(supportLevel, context).next;
  }

  /**
   * The state an imported connector starts in (SPEC §11): certified.active, community.active or
   * archived.idle (then with where its source is kept: the document's own location, else the
   * configured template).
   */
  importedState(
    supportLevel: 'certified' | 'community' | 'archived',
    context: ConnectorContext,
    at: string,
    archiveSourceUrl?: string,
  ): LifecycleState {
    if (supportLevel !== 'archived') return { state: `${supportLevel}.active`, context };
    const archive = archiveInfo(
      this.policy,
      context.id,
      at,
      'Imported as archived (Airbyte supportLevel: archived).',
    );
    return {
      state: 'archived.idle',
      context: {
        ...context,
        archive: archiveSourceUrl ? { ...archive, sourceUrl: archiveSourceUrl } : archive,
      },
    };
  }

  /** Effects of an import: the catalog only; imports send no per-connector webhook (SPEC §11). */
  importEffects(): Effect[] {
    return [{ kind: 'catalog' }];
  }

  /** Effects of a registration (registration.ts). */
  registrationEffects(state: LifecycleState): Effect[] {
    return registration(splitState(state.state).supportLevel as RegistrationLevel, state.context)
      .effects;
  }

  /** API events the machine handles in this state (whatever their payload). */
  allowedEvents(state: StateName): ApiEventType[] {
    const cached = this.allowedByState.get(state);
    if (cached) return cached;
    const { supportLevel, status } = splitState(state);
    const leaf = this.machine.root.states[supportLevel]?.states[status];
    const handled = new Set<string>();
    for (let node = leaf; node; node = node.parent) {
      for (const type of node.ownEvents) handled.add(type);
    }
    const allowed = API_EVENT_TYPES.filter((t) => handled.has(t));
    this.allowedByState.set(state, allowed);
    return allowed;
  }

  /** Decides what an event does to a connector, without doing any of it. */
  decide(current: LifecycleState, event: ConnectorEvent): Decision {
    const { supportLevel } = splitState(current.state);
    const isApiEvent = (API_EVENT_TYPES as readonly string[]).includes(event.type);
    const allowed = this.allowedEvents(current.state);
    if (isApiEvent && !allowed.includes(event.type as ApiEventType)) {
      return { kind: 'notAllowed', state: current.state, allowedEvents: allowed };
    }
    const violation = checkPolicy(supportLevel, current.context, event, this.policy);
    if (violation) return { kind: 'blocked', state: current.state, violation };

    const snapshot = this.restore(current);
    const [next, actions] = this.transition(snapshot, event);
    if (next === snapshot) {
      return isApiEvent
        ? { kind: 'notAllowed', state: current.state, allowedEvents: allowed }
        : { kind: 'stale', state: current.state };
    }
    return {
      kind: 'accepted',
      next: { state: stateNameOf(next), context: next.context },
      // The effect actions' params are the effect descriptors themselves.
      effects: actions.map((action) => action.params).filter(isEffect),
    };
  }

  private restore(current: LifecycleState): Snapshot {
    const { supportLevel, status } = splitState(current.state);
    return this.machine.resolveState({
      value: { [supportLevel]: status },
      context: current.context,
    });
  }
}

function stateNameOf(snapshot: Snapshot): StateName {
  const [level, status] = Object.entries(snapshot.value as Record<string, string>)[0] ?? [];
  return `${level}.${status}` as StateName;
}

/** The machine definition for tools and diagrams (GET /v1/machine). */
export function describeMachine(lifecycle: ConnectorLifecycle) {
  const states = Object.entries(lifecycle.machine.root.states).flatMap(([level, node]) =>
    Object.entries(node.states).map(([status, leaf]) => ({
      state: `${level}.${status}`,
      supportLevel: level,
      status,
      transitions: [...leaf.transitions.entries()].flatMap(([event, defs]) =>
        defs.map((def) => ({
          event,
          internal: !(API_EVENT_TYPES as readonly string[]).includes(event),
          target:
            (def.target ?? []).map((t) => `${t.parent?.key}.${t.key}`)[0] ?? `${level}.${status}`,
          guard: typeof def.guard === 'object' && def.guard ? def.guard.type : (def.guard ?? null),
        })),
      ),
    })),
  );
  return { id: lifecycle.machine.id, states };
}
