import type { ConnectorContext, StateName } from './connector-types.js';
import type { Effect } from './effects.js';

/** The support levels a connector may be registered with (SPEC §4). */
export type RegistrationLevel = 'community' | 'custom';

/**
 * Registration, pure: the state a new connector starts in and the effects of its registration. It
 * is not a machine transition (the connector did not exist before), so it is a function beside the
 * machine rather than an event of it.
 */
export function registration(
  supportLevel: RegistrationLevel,
  context: ConnectorContext,
): { next: { state: StateName; context: ConnectorContext }; effects: Effect[] } {
  return {
    next: { state: `${supportLevel}.active`, context },
    effects: [
      { kind: 'notify', type: 'connector.registered', data: { supportLevel } },
      { kind: 'catalog' },
    ],
  };
}
