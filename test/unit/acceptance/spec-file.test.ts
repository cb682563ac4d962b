/** {reportDir}/spec.json of a passing acceptance run (SPEC §11). */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAcceptanceCommand } from '../../../src/acceptance/acceptance-command.js';
import { readSpecFile } from '../../../src/acceptance/spec-file.js';

function reportDir(spec?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spec-file-'));
  if (spec !== undefined) writeFileSync(path.join(dir, 'spec.json'), spec);
  return dir;
}
const SPEC = { documentationUrl: 'https://docs.example.com', connectionSpecification: {} };

describe('readSpecFile', () => {
  it('reads a ConnectorSpecification, or the SPEC message that carries one', async () => {
    expect(await readSpecFile(reportDir(JSON.stringify(SPEC)))).toEqual({
      spec: SPEC,
      problem: null,
    });
    expect(await readSpecFile(reportDir(JSON.stringify({ type: 'SPEC', spec: SPEC })))).toEqual({
      spec: SPEC,
      problem: null,
    });
  });

  it('finds nothing when there is no spec.json', async () => {
    expect(await readSpecFile(reportDir())).toEqual({ spec: null, problem: null });
  });

  it.each([
    ['{', /not JSON/],
    ['[1, 2]', /not a JSON object/],
  ])('says why a spec.json is not used (%s)', async (content, problem) => {
    const result = await readSpecFile(reportDir(content));
    expect(result.spec).toBeNull();
    expect(result.problem).toMatch(problem);
  });

  it('ignores a directory named spec.json', async () => {
    const dir = reportDir();
    mkdirSync(path.join(dir, 'spec.json'));
    expect((await readSpecFile(dir)).problem).toMatch(/not a file/);
  });
});

describe('a run', () => {
  it('returns the spec only when it passes', async () => {
    const write = `node -e "require('fs').writeFileSync(process.env.ACCEPTANCE_REPORT_DIR + '/spec.json', JSON.stringify({type: 'SPEC', spec: {a: 1}})); process.exit(Number(process.argv[1]))"`;
    const base = { connectorId: 'source-x', image: 'airbyte/source-x:1.0.0', timeoutMs: 20_000 };
    const passed = await runAcceptanceCommand({ ...base, command: `${write} 0` });
    expect(passed).toMatchObject({ outcome: 'passed', spec: { a: 1 } });
    const failed = await runAcceptanceCommand({ ...base, command: `${write} 3` });
    expect(failed.outcome).toBe('failed');
    expect(failed.spec).toBeUndefined();
  });
});
