import {
  EVENT_PERMISSIONS,
  hasRole,
  type ApiEventType,
  type Connector,
  type WhoAmI,
} from '../api-types.js';

/** Whether this caller may send this event to this connector (SPEC §4), as the API decides it. */
export function maySend(
  me: WhoAmI | null,
  event: ApiEventType,
  connector: Pick<Connector, 'maintainers'>,
): boolean {
  if (!me) return false;
  const rule = EVENT_PERMISSIONS[event];
  if (hasRole(me, rule.role)) return true;
  return rule.kind === 'maintainerOrRole' && connector.maintainers.includes(me.subject);
}
