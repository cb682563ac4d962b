import type { ApiClient } from '../api-client.js';
import type { Sweep } from '../api-types.js';
import type { Output } from '../output.js';
import { elapsed, shortId } from '../tables.js';
import { pollUntil } from './poll.js';

/** Polls GET /v1/archival-sweeps/:id until the sweep is completed or failed. */
export async function waitForSweep(
  client: ApiClient,
  out: Output,
  id: string,
  timeoutMs: number,
): Promise<Sweep> {
  let lastStatus: string | undefined;
  const sweep = await pollUntil(
    async (ms) => {
      const current = await client.sweep(id);
      if (current.status === 'completed' || current.status === 'failed') return current;
      if (out.stderrIsTty || current.status !== lastStatus) {
        out.status(`sweep ${shortId(id)}: ${current.status} (${elapsed(ms)})`);
        lastStatus = current.status;
      }
      return undefined;
    },
    {
      timeoutMs,
      what: `sweep ${id}`,
      onTransientError: (err) => out.note(`(retrying: ${err.message})`),
    },
  );
  out.endStatus();
  return sweep;
}
