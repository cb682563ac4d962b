import type { MachineDescription } from '../api-types.js';
import { request } from './api-client.js';

let machine: Promise<MachineDescription> | null = null;

/** GET /v1/machine, once per page load (it changes only with a new release of the service). */
export function loadMachine(): Promise<MachineDescription> {
  machine ??= request<MachineDescription>('/v1/machine').catch((err: unknown) => {
    machine = null;
    throw err;
  });
  return machine;
}
