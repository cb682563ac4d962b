/**
 * What the CLI sends for import, connectors metadata and support-levels, recorded by a stand-in
 * HTTP server that answers as SPEC §11 says: batching, merged reports, refusals. The same commands
 * run against the real service in airbyte-commands.test.ts.
 */
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: any;
}

describe(
  'lifecycle import, connectors metadata, support-levels (stand-in routes)',
  { timeout: 120_000 },
  () => {
    let server: Server;
    let url: string;
    let dir: string;
    const received: Received[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        let raw = '';
        req.setEncoding('utf8').on('data', (d: string) => (raw += d));
        req.on('end', () => {
          const body = raw ? JSON.parse(raw) : null;
          received.push({
            method: req.method!,
            url: req.url!,
            authorization: req.headers.authorization,
            body,
          });
          if (req.method === 'POST' && req.url === '/v1/imports') {
            // every document of a request whose name contains "bad" is refused; the rest created
            const texts: string[] = body.metadata ?? [];
            const report = {
              dryRun: body.dryRun,
              created: [] as string[],
              unchanged: [],
              drift: [],
              applied: [],
              refused: [] as any[],
            };
            texts.forEach((text, index) => {
              const name = /name: (\S+)/.exec(text)![1]!;
              if (name.includes('bad'))
                report.refused.push({
                  index,
                  errors: [{ path: 'data.dockerRepository', message: 'is required' }],
                });
              else report.created.push(name);
            });
            const entries = [
              ...(body.registry?.sources ?? []),
              ...(body.registry?.destinations ?? []),
            ];
            entries.forEach((e: { name: string }) => report.created.push(e.name));
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report));
          } else if (req.url === '/v1/connectors/source-a/metadata.yaml') {
            res
              .writeHead(200, { 'content-type': 'application/yaml' })
              .end('metadataSpecVersion: "1.0"\ndata:\n  name: A\n  supportLevel: community\n');
          } else if (req.url === '/v1/support-levels') {
            const policy = (level: string) => ({
              supportLevel: level,
              availability: 'all',
              whoBuilds: 'someone',
              whoMaintains: `${level} maintainers`,
              productionReadiness: 'yes',
              support: {
                cloud: true,
                poweredByAirbyte: true,
                selfManagedEnterprise: false,
                communityOss: true,
              },
              notes: '',
            });
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ items: [policy('certified'), policy('community')] }));
          } else {
            res.writeHead(404, { 'content-type': 'application/problem+json' }).end(
              JSON.stringify({
                title: 'Not found',
                status: 404,
                detail: `No route for ${req.method} ${req.url}.`,
              }),
            );
          }
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      dir = await mkdtemp(join(tmpdir(), 'cli-import-e2e-'));
      for (const name of ['source-a', 'source-bad', 'source-c']) {
        await mkdir(join(dir, 'repo', name), { recursive: true });
        await writeFile(join(dir, 'repo', name, 'metadata.yaml'), `data:\n  name: ${name}\n`);
      }
      await writeFile(
        join(dir, 'registry.json'),
        JSON.stringify({
          sources: [{ name: 'source-r' }],
          destinations: [{ name: 'destination-r' }],
        }),
      );
    });
    afterAll(async () => {
      server.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('import sends the documents in batches and prints the merged report; a refusal exits 1', async () => {
      received.length = 0;
      const res = await runCli(
        [
          'import',
          join(dir, 'repo'),
          join(dir, 'registry.json'),
          '--dry-run',
          '--maintainer',
          'alice',
          '--maintainer',
          'bob',
          '--batch-size',
          '2',
          '--json',
        ],
        { LIFECYCLE_URL: url, LIFECYCLE_TOKEN: 'admin-token' },
      );
      expect(res.code).toBe(1);
      expect(received.map((r) => [r.method, r.url, r.authorization])).toEqual([
        ['POST', '/v1/imports', 'Bearer admin-token'],
        ['POST', '/v1/imports', 'Bearer admin-token'],
        ['POST', '/v1/imports', 'Bearer admin-token'],
      ]);
      expect(received.map((r) => r.body)).toEqual([
        {
          metadata: ['data:\n  name: source-a\n', 'data:\n  name: source-bad\n'],
          maintainers: ['alice', 'bob'],
          dryRun: true,
          apply: false,
        },
        {
          metadata: ['data:\n  name: source-c\n'],
          maintainers: ['alice', 'bob'],
          dryRun: true,
          apply: false,
        },
        {
          registry: { sources: [{ name: 'source-r' }], destinations: [{ name: 'destination-r' }] },
          maintainers: ['alice', 'bob'],
          dryRun: true,
          apply: false,
        },
      ]);
      expect(res.json()).toEqual({
        dryRun: true,
        documents: 5,
        batches: 3,
        created: ['source-a', 'source-c', 'source-r', 'destination-r'],
        unchanged: [],
        drift: [],
        applied: [],
        refused: [
          {
            index: 1,
            path: join(dir, 'repo', 'source-bad', 'metadata.yaml'),
            errors: [{ path: 'data.dockerRepository', message: 'is required' }],
          },
        ],
      });
      expect(res.stderr).toContain('1 document of 5 refused');
    });

    it('connectors metadata prints the YAML (as JSON with --json); support-levels a table', async () => {
      const env = { LIFECYCLE_URL: url, LIFECYCLE_TOKEN: 't' };
      const yaml = await runCli(['connectors', 'metadata', 'source-a'], env);
      expect(yaml.code).toBe(0);
      expect(yaml.stdout).toBe(
        'metadataSpecVersion: "1.0"\ndata:\n  name: A\n  supportLevel: community\n',
      );
      const json = await runCli(['connectors', 'metadata', 'source-a', '--json'], env);
      expect(json.json()).toEqual({
        metadataSpecVersion: '1.0',
        data: { name: 'A', supportLevel: 'community' },
      });
      const levels = await runCli(['support-levels'], env);
      expect(levels.code).toBe(0);
      expect(levels.stdout).toMatch(
        /community\s+│ all\s+│ community maintainers\s+│ yes\s+│ yes\s+│ yes\s+│ no\s+│ yes/,
      );
    });
  },
);
