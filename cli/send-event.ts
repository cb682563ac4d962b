import type { EventRequest } from './api-types.js';
import { FailedError } from './cli-errors.js';
import { connectorText } from './connector-text.js';
import type { CommandContext } from './context.js';
import { shortId } from './tables.js';
import { gateSummary, waitForGate } from './wait/gate-wait.js';
import { timeoutMs } from './wait/poll.js';

export interface SendOptions {
  ifMatch?: number;
  /** wait for the gate this event starts (SPEC §12 --wait) */
  wait?: boolean;
  /** seconds --wait waits at most */
  timeout?: number;
}

/** The default of --timeout for a gate: acceptance runs may take 30 minutes (SPEC §7), and queue. */
export const GATE_TIMEOUT_S = 3600;

class GateFailedError extends FailedError {
  constructor(private readonly summary: string[]) {
    super(summary[0] ?? 'Acceptance tests failed.');
  }
  override lines(): string[] {
    return this.summary;
  }
}

/**
 * Sends one event and prints the connector. When the event started a gate (202) and --wait is
 * given, waits for its end: exit 0 when it passed, 1 when it failed; either way the final
 * connector is the command's result.
 */
export async function sendEvent(
  { client, out }: CommandContext,
  id: string,
  event: EventRequest,
  options: SendOptions = {},
): Promise<void> {
  const { connector, gateStarted } = await client.sendEvent(id, event, options.ifMatch);
  const headline = `${event.type} accepted: ${connector.id} is now ${connector.state} (version ${connector.version}).`;
  if (!gateStarted) {
    out.result(connector, (c) => `${headline}\n\n${connectorText(c)}`);
    return;
  }
  const run = shortId(connector.acceptanceRun?.runId);
  if (!options.wait) {
    out.result(
      connector,
      (c) =>
        `${headline}\nAcceptance tests started (run ${run}): follow them with ` +
        `"lifecycle connectors runs ${c.id}", or send the command with --wait.\n\n${connectorText(c)}`,
    );
    return;
  }
  out.note(`${headline} Waiting for its acceptance tests (run ${run})…`);
  const gate = await waitForGate(
    client,
    out,
    connector,
    timeoutMs(options.timeout ?? GATE_TIMEOUT_S),
  );
  out.result(gate.connector, connectorText);
  const summary = gateSummary(gate);
  if (!gate.passed) throw new GateFailedError(summary);
  for (const line of summary) out.note(line);
}
