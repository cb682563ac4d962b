import { fileURLToPath } from 'node:url';

/**
 * Where global-bundles.ts puts the bundled CLI and service: two levels below the checkout, like
 * dist/cli/ and dist/src/ of a build, so that they find package.json (the version), node_modules
 * (their packages), dist/ui (the dashboard) and vendor/ (Airbyte's schemas).
 */
export const CLI_BUNDLE = fileURLToPath(new URL('../../dist/cli-test/main.mjs', import.meta.url));
export const SERVICE_BUNDLE = fileURLToPath(
  new URL('../../dist/service-test/main.mjs', import.meta.url),
);
