#!/usr/bin/env node
/** `lifecycle`: the command-line client (SPEC §12). */
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
