import { buildUi } from '../../scripts/build-ui.js';

/** The dashboard's tests load dist/ui: it is built once per test run (esbuild, well under a second). */
export default async function setup(): Promise<void> {
  await buildUi();
}
