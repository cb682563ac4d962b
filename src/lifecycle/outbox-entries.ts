import { splitState } from '../../machines/connector-lifecycle.js';
import type { Effect } from '../../machines/effects.js';
import { withFields } from '../../machines/with-fields.js';
import type { ConnectorRecord, OutboxEntry } from '../store/records.js';

/** Outbox entries with stable ids; notifications carry where the connector now stands. */
export function outboxEntries(
  next: ConnectorRecord,
  eventId: string,
  occurredAt: string,
  effects: Effect[],
  requestId: string | undefined,
): Omit<OutboxEntry, 'version'>[] {
  const { supportLevel, status } = splitState(next.state);
  return effects.map((effect, index) => {
    const entry: Omit<OutboxEntry, 'version'> = {
      id: `${eventId}-${index}`,
      connectorId: next.context.id,
      eventId,
      occurredAt,
      effect:
        effect.kind === 'notify'
          ? withFields(effect, {
              data: withFields(
                {
                  name: next.context.name,
                  connectorType: next.context.type,
                  supportLevel,
                  status,
                  state: next.state,
                  dockerImageTag: next.context.dockerImageTag,
                  maintainers: next.context.maintainers,
                },
                effect.data,
              ),
            })
          : effect,
    };
    if (requestId) entry.requestId = requestId;
    return entry;
  });
}
