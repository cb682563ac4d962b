/**
 * Builds the web dashboard (SPEC §13): ui/src bundled by esbuild into dist/ui, which the API serves
 * at /ui. Asset names carry a content hash (cached for ever); index.html names them.
 *   npm run build:ui
 */
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const UI_OUT_DIR = join(ROOT, 'dist', 'ui');

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Connector lifecycle</title>
    <link rel="icon" href="/ui/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/ui/assets/${style}" />
    <script type="module" src="/ui/assets/${script}"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>This dashboard needs JavaScript. The API is documented at <a href="/docs">/docs</a>.</noscript>
  </body>
</html>
`;
}

/** Builds into a fresh directory, then swaps it in: a server never sees half a build. */
export async function buildUi(outDir = UI_OUT_DIR): Promise<{ bytes: number; files: string[] }> {
  const staging = `${outDir}.build-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'ui/src/main.tsx' },
    outdir: join(staging, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    tsconfig: 'ui/tsconfig.json',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => basename(f));
  const script = outputs.find((f) => /^app-.*\.js$/.test(f));
  const style = outputs.find((f) => /^app-.*\.css$/.test(f));
  if (!script || !style) throw new Error(`dashboard build: no app js/css in ${outputs.join(', ')}`);
  await writeFile(join(staging, 'index.html'), indexHtml(script, style));
  await copyFile(join(ROOT, 'ui/public/favicon.svg'), join(staging, 'favicon.svg'));

  await mkdir(dirname(outDir), { recursive: true });
  const old = `${outDir}.old-${process.pid}`;
  await rename(outDir, old).catch(() => undefined);
  await rename(staging, outDir);
  await rm(old, { recursive: true, force: true });

  const bytes = Object.entries(result.metafile.outputs)
    .filter(([f]) => !f.endsWith('.map') && !f.endsWith('.LEGAL.txt'))
    .reduce((sum, [, o]) => sum + o.bytes, 0);
  return { bytes, files: outputs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { bytes, files } = await buildUi();
  console.log(`dashboard built in dist/ui: ${files.join(', ')} (${bytes} bytes of js and css)`);
}
