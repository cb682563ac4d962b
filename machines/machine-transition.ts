import {
  createActor,
  type AnyStateMachine,
  type EventFrom,
  type ExecutableActionObject,
  type SnapshotFrom,
} from 'xstate';

/** One pure step of a machine: the next snapshot and the actions it would execute, none executed. */
export type MachineTransition<M extends AnyStateMachine> = (
  snapshot: SnapshotFrom<M>,
  event: EventFrom<M>,
) => [SnapshotFrom<M>, ExecutableActionObject[]];

/**
 * XState's pure `transition(machine, snapshot, event)` with its inert actor scope built once for
 * the machine instead of on every call: `transition()` builds a new actor, and with it the
 * machine's initial snapshot, each time (about a third of a transition of the connector machine).
 * The scope executes nothing: it only collects the actions, as `transition()`'s does. Sharing it
 * is sound for a machine that spawns, invokes and raises nothing, as the connector machine
 * (test/unit/machine/machine-transition.test.ts holds it to `transition()`'s results).
 */
export function machineTransition<M extends AnyStateMachine>(machine: M): MachineTransition<M> {
  const self = createActor(machine);
  let collected: ExecutableActionObject[] = [];
  const scope: Parameters<M['transition']>[2] = {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    stopChild: () => {},
    system: self.system,
    actionExecutor: (action) => {
      collected.push(action);
    },
  };
  return (snapshot, event) => {
    const actions: ExecutableActionObject[] = [];
    collected = actions;
    return [machine.transition(snapshot, event, scope) as SnapshotFrom<M>, actions];
  };
}
