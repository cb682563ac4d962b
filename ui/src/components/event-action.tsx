import { useId, useState } from 'preact/hooks';
import type { ApiEventType, Connector, Problem } from '../api-types.js';
import { idempotencyKey, request } from '../lib/api-client.js';
import { EVENT_FIELDS, EVENT_LABELS, eventPayload } from '../lib/event-fields.js';
import { useSession } from '../lib/session.js';
import { ProblemAlert, toProblem } from './problem-alert.js';

export interface EventResult {
  event: ApiEventType;
  connector: Connector;
  /** a gate (acceptance tests) started */
  gateStarted: boolean;
}

interface Props {
  connector: Pick<Connector, 'id' | 'version'>;
  event: ApiEventType;
  onDone: (result: EventResult) => void;
  /** the button's text; the event's label by default */
  label?: string;
}

/**
 * A button that opens the event's payload form; sending it applies the event only to the version
 * shown (If-Match), and a retried click is harmless (Idempotency-Key).
 */
export function EventAction({ connector, event, onDone, label }: Props) {
  const session = useSession();
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [breaking, setBreaking] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  const fields = EVENT_FIELDS[event];
  const hasBreaking = fields.some((f) => f.breaking);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = eventPayload(event, values, breaking);
      const updated = await request<Connector>(
        `/v1/connectors/${encodeURIComponent(connector.id)}/events`,
        {
          method: 'POST',
          token: session.token,
          body,
          headers: { 'if-match': `"v${connector.version}"`, 'idempotency-key': key },
        },
      );
      setOpen(false);
      setValues({});
      setBreaking(false);
      setKey(idempotencyKey());
      onDone({ event, connector: updated, gateStarted: updated.acceptanceRun !== null });
    } catch (err) {
      setProblem(toProblem(err));
      // a refused request may be retried with other values: that is another request
      setKey(idempotencyKey());
    } finally {
      setBusy(false);
    }
  };

  const set = (name: string) => (e: Event) =>
    setValues({ ...values, [name]: (e.currentTarget as HTMLInputElement).value });

  return (
    <div class={`event-action${open ? ' open' : ''}`}>
      <button
        type="button"
        class={event === 'REJECT_UNARCHIVE' || event === 'ARCHIVE' ? 'danger' : undefined}
        aria-expanded={open}
        aria-controls={formId}
        onClick={() => setOpen(!open)}
      >
        {label ?? EVENT_LABELS[event]}
      </button>
      {open ? (
        <form
          id={formId}
          class="event-form"
          onSubmit={(e) => void submit(e)}
          aria-label={`${EVENT_LABELS[event]}: ${connector.id}`}
        >
          {hasBreaking ? (
            <label class="checkbox">
              <input
                type="checkbox"
                checked={breaking}
                onChange={(e) => setBreaking(e.currentTarget.checked)}
              />
              This release has a breaking change
            </label>
          ) : null}
          {fields
            .filter((f) => !f.breaking || breaking)
            .map((f) => {
              const id = `${formId}-${f.name}`;
              const hintId = f.hint ? `${id}-hint` : undefined;
              const common = {
                id,
                name: f.name,
                required: f.required,
                value: values[f.name] ?? '',
                onInput: set(f.name),
                'aria-describedby': hintId,
              };
              return (
                <div class="field" key={f.name}>
                  <label for={id}>
                    {f.label}
                    {f.required ? '' : ' (optional)'}
                  </label>
                  {f.kind === 'textarea' ? (
                    <textarea rows={2} maxLength={5000} {...common} />
                  ) : (
                    <input
                      type={f.kind}
                      {...(f.kind === 'number' ? { min: 0, step: 'any' } : {})}
                      {...common}
                    />
                  )}
                  {f.hint ? (
                    <p class="hint" id={hintId}>
                      {f.hint}
                    </p>
                  ) : null}
                </div>
              );
            })}
          <ProblemAlert problem={problem} />
          <div class="form-buttons">
            <button type="submit" disabled={busy}>
              Send {event}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
