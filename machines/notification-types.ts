/** Webhook event types (SPEC §5). */
export const NOTIFICATION_TYPES = [
  'connector.registered',
  'connector.certification_started',
  'connector.certified',
  'connector.certification_failed',
  'connector.demoted',
  'connector.deprecated',
  'connector.deprecation_cancelled',
  'connector.archived',
  'connector.unarchive_requested',
  'connector.unarchive_ready_for_review',
  'connector.unarchived',
  'connector.unarchive_rejected',
  'connector.release_published',
  'connector.breaking_change_reminder',
  'connector.review_suggested',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
