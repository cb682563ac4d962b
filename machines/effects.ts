import type { GatePurpose } from './connector-types.js';
import type { NotificationType } from './notification-types.js';

/**
 * What a committed event asks the outside world to do. These are the machine's action params
 * themselves (see machine-effects.ts): the store writes them into its outbox in the same atomic
 * step as the state change, and the job catalog (src/jobs/job-catalog.ts) maps each kind to its job.
 */
export interface NotifyEffect {
  kind: 'notify';
  type: NotificationType;
  data: Record<string, unknown>;
}
export interface CatalogEffect {
  kind: 'catalog';
}
export interface AcceptanceEffect {
  kind: 'acceptance';
  runId: string;
  purpose: GatePurpose;
  image: string;
}
export interface ArchiveDueEffect {
  kind: 'archiveDue';
  at: string;
  archiveAt: string;
}
export interface BreakingChangeReminderEffect {
  kind: 'breakingChangeReminder';
  at: string;
  version: string;
  upgradeDeadline: string;
  daysBefore: number;
}

export type Effect =
  NotifyEffect | CatalogEffect | AcceptanceEffect | ArchiveDueEffect | BreakingChangeReminderEffect;

export type EffectKind = Effect['kind'];

const EFFECT_KINDS: readonly EffectKind[] = [
  'notify',
  'catalog',
  'acceptance',
  'archiveDue',
  'breakingChangeReminder',
];

/** An action's params that name an effect (context updates and empty slots do not). */
export function isEffect(value: unknown): value is Effect {
  return (
    typeof value === 'object' &&
    value !== null &&
    EFFECT_KINDS.includes((value as { kind?: EffectKind }).kind as EffectKind)
  );
}
