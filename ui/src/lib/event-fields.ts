import type { ApiEventType } from '../api-types.js';

/** One input of an event's payload form (SPEC §4 event payloads). */
export interface FieldSpec {
  /** payload path; `breakingChange.message` nests */
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'url';
  required: boolean;
  hint?: string;
  /** only sent (and shown) when the form's "breaking change" box is ticked */
  breaking?: boolean;
}

const reason = (required: boolean): FieldSpec => ({
  name: 'reason',
  label: 'Reason',
  kind: 'textarea',
  required,
});

export const EVENT_FIELDS: Record<ApiEventType, FieldSpec[]> = {
  CONTRIBUTE: [],
  REQUEST_CERTIFICATION: [],
  DEMOTE: [reason(true)],
  DEPRECATE: [
    reason(true),
    {
      name: 'noticeDays',
      label: 'Notice (days)',
      kind: 'number',
      required: false,
      hint: 'Days until it is archived. Empty: the default notice. Certified connectors need the minimum notice.',
    },
    {
      name: 'replacement',
      label: 'Replacement connector id',
      kind: 'text',
      required: false,
      hint: 'e.g. source-postgres-v2',
    },
  ],
  CANCEL_DEPRECATION: [reason(false)],
  ARCHIVE: [reason(true)],
  PUBLISH_RELEASE: [
    {
      name: 'dockerImageTag',
      label: 'Docker image tag',
      kind: 'text',
      required: true,
      hint: 'A semantic version greater than the current one.',
    },
    { name: 'cdkVersion', label: 'CDK version', kind: 'text', required: false },
    {
      name: 'breakingChange.message',
      label: 'What breaks',
      kind: 'textarea',
      required: true,
      breaking: true,
    },
    {
      name: 'breakingChange.upgradeDeadline',
      label: 'Upgrade deadline',
      kind: 'text',
      required: true,
      breaking: true,
      hint: 'YYYY-MM-DD (00:00 UTC) or an ISO timestamp.',
    },
    {
      name: 'breakingChange.migrationDocumentationUrl',
      label: 'Migration guide URL',
      kind: 'url',
      required: true,
      breaking: true,
    },
  ],
  REQUEST_UNARCHIVE: [
    { name: 'justification', label: 'Justification', kind: 'textarea', required: true },
    {
      name: 'dockerImageTag',
      label: 'Docker image tag',
      kind: 'text',
      required: true,
      hint: 'The updated release to test.',
    },
    {
      name: 'cdkVersion',
      label: 'CDK version',
      kind: 'text',
      required: true,
      hint: 'At least the current CDK version for its language.',
    },
  ],
  APPROVE_UNARCHIVE: [reason(false)],
  REJECT_UNARCHIVE: [reason(true)],
};

export const EVENT_LABELS: Record<ApiEventType, string> = {
  CONTRIBUTE: 'Contribute to community',
  REQUEST_CERTIFICATION: 'Request certification',
  DEMOTE: 'Demote to community',
  DEPRECATE: 'Deprecate',
  CANCEL_DEPRECATION: 'Cancel deprecation',
  ARCHIVE: 'Archive now',
  PUBLISH_RELEASE: 'Publish a release',
  REQUEST_UNARCHIVE: 'Request un-archiving',
  APPROVE_UNARCHIVE: 'Approve un-archiving',
  REJECT_UNARCHIVE: 'Reject un-archiving',
};

/** The event body from the form's values: empty optional fields left out, numbers as numbers. */
export function eventPayload(
  type: ApiEventType,
  values: Record<string, string>,
  breaking: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  for (const field of EVENT_FIELDS[type]) {
    if (field.breaking && !breaking) continue;
    const raw = (values[field.name] ?? '').trim();
    if (raw === '') continue;
    const value = field.kind === 'number' ? Number(raw) : raw;
    const [head, leaf] = field.name.split('.') as [string, string | undefined];
    if (leaf) {
      const nested = (body[head] ??= {}) as Record<string, unknown>;
      nested[leaf] = value;
    } else {
      body[head] = value;
    }
  }
  return body;
}
