import type { Effect } from '../../machines/effects.js';
import type { ConnectorRecord } from '../store/records.js';

/** Outbox entries with stable ids; notifications carry where the connector now stands. */
export function outboxEntries(
  next: ConnectorRecord,
  eventId: string,
  occurredAt: string,
  effects: Effect[],
  requestId: string | undefined,
) {
  const [supportLevel, status] = next.state.split('.');
  return effects.map((effect, index) => ({
    id: `${eventId}-${index}`,
    connectorId: next.context.id,
    eventId,
    occurredAt,
    effect:
      effect.kind === 'notify'
        ? {
            ...effect,
            data: {
              name: next.context.name,
              connectorType: next.context.type,
              supportLevel,
              status,
              state: next.state,
              dockerImageTag: next.context.dockerImageTag,
              maintainers: next.context.maintainers,
              ...effect.data,
            },
          }
        : effect,
    ...(requestId ? { requestId } : {}),
  }));
}
