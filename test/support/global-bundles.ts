import { cp } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { CLI_BUNDLE, SERVICE_BUNDLE } from './bundles.js';

/** One file per entry point, its packages left to node_modules (esbuild, well under a second each). */
function bundle(entryPoint: string, outfile: string) {
  return build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
}

/**
 * The tests that run `lifecycle` or the service as processes run these bundles, built once per test
 * run: each process starts in a fraction of the time `node --import tsx` takes to compile the
 * sources again (about 1.3 s less per service start on a quiet 2-core machine, more under load).
 */
export default async function setup(): Promise<void> {
  await Promise.all([
    bundle('cli/main.ts', CLI_BUNDLE),
    bundle('src/main.ts', SERVICE_BUNDLE),
    // the store loads its Lua scripts from ./lua/ next to its module (src/store/lua-command.ts)
    cp('src/store/lua', join(dirname(SERVICE_BUNDLE), 'lua'), { recursive: true }),
  ]);
}
