import { fileURLToPath } from 'node:url';

/**
 * Where global-cli-build.ts puts the bundled CLI: two levels below the checkout, like dist/cli/ of a
 * build, so that it finds package.json (its version) and node_modules (its packages).
 */
export const CLI_BUNDLE = fileURLToPath(new URL('../../dist/cli-test/main.mjs', import.meta.url));
