/**
 * Runs measureArchivalSweep in this process and prints its result as one JSON line on stdout
 * (started by measureArchivalSweepAlone, ./archival-sweep.ts).
 */
import { measureArchivalSweep } from './archival-sweep.js';

const result = await measureArchivalSweep();
process.stdout.write(`${JSON.stringify(result)}\n`);
