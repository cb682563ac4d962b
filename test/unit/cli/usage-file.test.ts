import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunks, parseUsageCsv, readUsageFile } from '../../../cli/files/usage-file.js';

describe('usage files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-usage-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads CSV by its header, in any column order, with the line of each entry', async () => {
    const file = await parseUsageCsv(
      '\uFEFFsyncs,connectorId,date,activeConnections,note\n3,source-a,2024-05-01,12,x\n\n"4",source-b, 2024-05-02 ,many,y\n',
      'u.csv',
    );
    expect(file.entries).toEqual([
      { connectorId: 'source-a', date: '2024-05-01', activeConnections: 12, syncs: 3 },
      // text that is not an integer is kept, so that the service refuses it with its path
      { connectorId: 'source-b', date: '2024-05-02', activeConnections: 'many', syncs: 4 },
    ]);
    expect(file.origins).toEqual(['line 2', 'line 4']);
    expect(file.ignoredColumns).toEqual(['note']);
  });

  it('refuses a CSV whose header lacks a column, as bad usage', async () => {
    await expect(
      parseUsageCsv('connectorId,date,syncs\nsource-a,2024-05-01,1\n', 'u.csv'),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('missing: activeConnections'),
    });
  });

  it('reads JSON as a list or as {entries}; other extensions are bad usage', async () => {
    const entry = { connectorId: 'source-a', date: '2024-05-01', activeConnections: 1, syncs: 2 };
    await writeFile(join(dir, 'a.json'), JSON.stringify([entry]));
    await writeFile(join(dir, 'b.json'), JSON.stringify({ entries: [entry, entry] }));
    await writeFile(join(dir, 'c.txt'), 'x');
    expect((await readUsageFile(join(dir, 'a.json'))).entries).toEqual([entry]);
    const b = await readUsageFile(join(dir, 'b.json'));
    expect(b.origins).toEqual(['entry 0', 'entry 1']);
    await expect(readUsageFile(join(dir, 'c.txt'))).rejects.toThrow(/must be \.csv or \.json/);
    await expect(readUsageFile(join(dir, 'none.csv'))).rejects.toThrow(/no such file/);
  });

  it('splits into batches of a given size', () => {
    const items = Array.from({ length: 25_001 }, (_, i) => i);
    expect(chunks(items, 10_000).map((c) => c.length)).toEqual([10_000, 10_000, 5_001]);
    expect(chunks(items, 10_000).flat()).toEqual(items);
  });
});
