import { build } from 'esbuild';
import { CLI_BUNDLE } from './cli-bundle.js';

/**
 * The CLI tests run `lifecycle` as a process per command; built once per test run (esbuild, well
 * under a second), each starts in a fraction of the time `node --import tsx cli/main.ts` takes to
 * compile it again.
 */
export default async function setup(): Promise<void> {
  await build({
    entryPoints: ['cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: CLI_BUNDLE,
    logLevel: 'warning',
  });
}
