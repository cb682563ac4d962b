import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../../../src/service-node-flags.js';

/** The service is started the same way everywhere: the flags of ../../../src/service-node-flags.ts. */
describe('the Node flags of the service', () => {
  it('are those of npm start', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`exec node ${SERVICE_NODE_FLAGS.join(' ')} dist/src/main.js`);
  });

  it("are those of the Dockerfile's command", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(cmd && (JSON.parse(cmd) as string[])).toEqual([
      'node',
      ...SERVICE_NODE_FLAGS,
      'dist/src/main.js',
    ]);
  });
});
