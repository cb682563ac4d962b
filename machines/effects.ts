import type { GatePurpose } from './connector-types.js';
import type { NotificationType } from './notification-types.js';

/**
 * What a committed event asks the outside world to do. The store writes these into its outbox in
 * the same atomic step as the state change; workers carry them out.
 */
export type Effect =
  | { kind: 'notify'; type: NotificationType; data: Record<string, unknown> }
  | { kind: 'catalog' }
  | { kind: 'acceptance'; runId: string; purpose: GatePurpose; image: string }
  | { kind: 'archiveDue'; at: string; archiveAt: string }
  | {
      kind: 'breakingChangeReminder';
      at: string;
      version: string;
      upgradeDeadline: string;
      daysBefore: number;
    };
