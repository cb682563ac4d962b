/** The import command's file side: folder walking, registry files, batching and the merged report. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchDocuments,
  collectImportDocuments,
  documentLabel,
  findMetadataFiles,
  type ImportDocument,
} from '../../../cli/files/import-documents.js';
import { importReportText, mergeImportReports } from '../../../cli/import-report.js';

const metadata = (name: string) => `data:\n  dockerRepository: airbyte/${name}\n  name: ${name}\n`;

describe('import documents', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cli-import-'));
    const files: Record<string, string> = {
      'connectors/source-b/metadata.yaml': metadata('source-b'),
      'connectors/source-a/metadata.yaml': metadata('source-a'),
      'connectors/source-a/nested/deeper/metadata.yaml': metadata('source-deep'),
      'connectors/source-a/other.yaml': 'not: imported',
      'connectors/source-a/metadata.yml': 'not: the name searched for',
      'connectors/node_modules/x/metadata.yaml': metadata('skipped-dependency'),
      'connectors/.git/metadata.yaml': metadata('skipped-hidden'),
      'single.yaml': metadata('destination-single'),
      'registry.json': JSON.stringify({
        sources: [{ name: 's0' }, { name: 's1' }],
        destinations: [{ name: 'd0' }],
      }),
      'not-a-registry.json': JSON.stringify({ hello: 'world' }),
      'broken.json': '{ nope',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    await mkdir(join(root, 'empty'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds every metadata.yaml under a folder, recursively, in path order, skipping dependencies and hidden folders', async () => {
    const found = await findMetadataFiles(join(root, 'connectors'));
    expect(found.map((p) => p.slice(root.length + 1))).toEqual([
      'connectors/source-a/metadata.yaml',
      'connectors/source-a/nested/deeper/metadata.yaml',
      'connectors/source-b/metadata.yaml',
    ]);
  });

  it('collects folders, metadata files and registry entries; a file named twice is read once', async () => {
    const docs = await collectImportDocuments([
      join(root, 'connectors'),
      join(root, 'single.yaml'),
      join(root, 'registry.json'),
      join(root, 'connectors/source-b/metadata.yaml'),
    ]);
    expect(docs.map((d) => documentLabel(d).slice(root.length + 1))).toEqual([
      'connectors/source-a/metadata.yaml',
      'connectors/source-a/nested/deeper/metadata.yaml',
      'connectors/source-b/metadata.yaml',
      'single.yaml',
      'registry.json: sources[0]',
      'registry.json: sources[1]',
      'registry.json: destinations[0]',
    ]);
    expect(docs[3]).toMatchObject({ kind: 'metadata', text: metadata('destination-single') });
    expect(docs[6]).toMatchObject({ kind: 'registry', entry: { name: 'd0' } });
  });

  it('refuses what it cannot import as bad usage, naming the path', async () => {
    await expect(collectImportDocuments([join(root, 'missing')])).rejects.toThrow(
      /missing: no such file or folder/,
    );
    await expect(collectImportDocuments([join(root, 'empty')])).rejects.toThrow(
      /no metadata\.yaml in this folder/,
    );
    await expect(collectImportDocuments([join(root, 'not-a-registry.json')])).rejects.toThrow(
      /not a registry/,
    );
    await expect(collectImportDocuments([join(root, 'broken.json')])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('not valid JSON'),
    });
  });
});

describe('batchDocuments', () => {
  const meta = (i: number, size = 10): ImportDocument => ({
    kind: 'metadata',
    path: `m${i}/metadata.yaml`,
    text: 'x'.repeat(size),
  });
  const entry = (group: 'sources' | 'destinations', position: number): ImportDocument => ({
    kind: 'registry',
    path: 'registry.json',
    group,
    position,
    entry: { name: `${group}-${position}` },
  });

  it('cuts at the document limit', () => {
    const docs = Array.from({ length: 450 }, (_, i) => meta(i));
    const batches = batchDocuments(docs, { maxDocuments: 200, maxBytes: 1e9 });
    expect(batches.map((b) => b.body.metadata?.length)).toEqual([200, 200, 50]);
    expect(batches.flatMap((b) => b.documents)).toEqual(docs);
  });

  it('cuts at the byte limit; a document larger than it goes alone', () => {
    const docs = [meta(0, 400), meta(1, 400), meta(2, 5000), meta(3, 100)];
    const batches = batchDocuments(docs, { maxDocuments: 200, maxBytes: 1000 });
    expect(batches.map((b) => b.documents.map((d) => d.path))).toEqual([
      ['m0/metadata.yaml', 'm1/metadata.yaml'],
      ['m2/metadata.yaml'],
      ['m3/metadata.yaml'],
    ]);
  });

  it('never mixes metadata and registry entries; registry batches number sources then destinations', () => {
    const docs = [
      meta(0),
      entry('destinations', 0),
      entry('sources', 0),
      entry('sources', 1),
      meta(1),
    ];
    const batches = batchDocuments(docs, { maxDocuments: 200, maxBytes: 1e9 });
    expect(batches).toHaveLength(3);
    expect(batches[0]!.body).toEqual({ metadata: ['xxxxxxxxxx'] });
    expect(batches[1]!.body).toEqual({
      registry: {
        sources: [{ name: 'sources-0' }, { name: 'sources-1' }],
        destinations: [{ name: 'destinations-0' }],
      },
    });
    // refused[].index 2 of this request is the destination
    expect(batches[1]!.documents.map(documentLabel)).toEqual([
      'registry.json: sources[0]',
      'registry.json: sources[1]',
      'registry.json: destinations[0]',
    ]);
    expect(batches[2]!.body).toEqual({ metadata: ['xxxxxxxxxx'] });
  });

  it('merges the answers of every batch; a refusal names its file and its overall position', () => {
    const docs = [meta(0), meta(1), meta(2), entry('sources', 0), entry('destinations', 0)];
    const [b1, b2, b3] = batchDocuments(docs, { maxDocuments: 2, maxBytes: 1e9 });
    const empty = { dryRun: true, created: [], unchanged: [], drift: [], applied: [], refused: [] };
    const merged = mergeImportReports(
      docs,
      [
        { batch: b1!, report: { ...empty, created: ['source-a'], unchanged: ['source-b'] } },
        {
          batch: b2!,
          report: {
            ...empty,
            refused: [
              {
                index: 0,
                code: 'INVALID_DOCUMENT',
                errors: [{ path: 'data.name', message: 'is required' }],
              },
            ],
          },
        },
        {
          batch: b3!,
          report: {
            ...empty,
            drift: [
              {
                connectorId: 'destination-d',
                fields: [{ field: 'dockerImageTag', current: '1.0.0', imported: '0.9.0' }],
              },
            ],
            refused: [
              {
                index: 1,
                connectorId: 'destination-x',
                code: 'INVALID_DOCUMENT',
                errors: [{ path: '', message: 'bad' }],
              },
            ],
          },
        },
      ],
      true,
    );
    expect(merged).toMatchObject({
      dryRun: true,
      documents: 5,
      batches: 3,
      created: ['source-a'],
      unchanged: ['source-b'],
      applied: [],
    });
    expect(merged.refused).toEqual([
      {
        index: 2,
        path: 'm2/metadata.yaml',
        code: 'INVALID_DOCUMENT',
        errors: [{ path: 'data.name', message: 'is required' }],
      },
      {
        index: 4,
        path: 'registry.json: destinations[0]',
        connectorId: 'destination-x',
        code: 'INVALID_DOCUMENT',
        errors: [{ path: '', message: 'bad' }],
      },
    ]);
    const text = importReportText(merged);
    expect(text).toContain(
      'Dry run: nothing was changed. 5 documents in 3 requests: 1 created, 1 unchanged, 1 with drift, 0 applied, 2 refused.',
    );
    expect(text).toMatch(/destination-d\s+│ dockerImageTag\s+│ 1\.0\.0\s+│ 0\.9\.0/);
    expect(text).toMatch(/m2\/metadata\.yaml\s+│ -\s+│ data\.name: is required/);
  });
});
