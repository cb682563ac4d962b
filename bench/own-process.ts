import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export type FigureName = 'api' | 'latency' | 'sweep' | 'import' | 'catalog' | 'scale' | 'budget';

/**
 * Measures one figure in a bench process of its own (`node --import tsx ./figure-process.ts`), so
 * that no figure inherits the load generator another one left behind: its heap, its connection
 * pools, its compiled code. In one process, the latency figure measured right after the API
 * figure gave webhook p99 ratios of 5.5–5.9 in four runs, against 1.8–3.6 in its own process on
 * the same machine. The sweep's peak RSS is then also the sweep's alone.
 */
export async function measureInOwnProcess<T>(figure: FigureName): Promise<T> {
  const entry = fileURLToPath(new URL('./figure-process.ts', import.meta.url));
  // Not killed with the bench's other processes: when this process ends, the IPC channel closes
  // and the child exits on its own, stopping the service and Redis servers it started.
  const child = spawn(process.execPath, ['--import', 'tsx', entry, figure], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const results: T[] = [];
  child.on('message', (value: T) => results.push(value));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 || results.length !== 1) {
    throw new Error(`the ${figure} figure's process exited with ${code}`);
  }
  return results[0]!;
}
