import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { startServiceUnderTest } from './service-under-test.js';

export interface ImportBenchResult {
  documents: number;
  bodyMb: number;
  createSeconds: number;
  catalogSeconds: number;
  unchangedSeconds: number;
  applySeconds: number;
  baselineRssMb: number;
  peakRssMb: number;
}

/** A generated metadata.yaml in the shape of Airbyte's (breaking changes, tags, kept fields). */
export function metadataText(n: number, tag: string): string {
  const id = `source-bench-${n.toString().padStart(5, '0')}`;
  return YAML.stringify({
    metadataSpecVersion: '1.0',
    data: {
      ab_internal: { ql: 200, sl: 100 },
      allowedHosts: { hosts: [`api.${id}.example.com`] },
      connectorBuildOptions: {
        baseImage:
          'docker.io/airbyte/python-connector-base:4.1.0@sha256:1d1aa21d34e851df4e8a87b391c27724c06e2597608e7161f4d167be853bd7b6',
      },
      connectorSubtype: 'api',
      connectorType: 'source',
      definitionId: randomUUIDFor(n),
      dockerImageTag: tag,
      dockerRepository: `airbyte/${id}`,
      documentationUrl: `https://docs.airbyte.com/integrations/sources/bench-${n}`,
      githubIssueLabel: id,
      icon: 'bench.svg',
      license: 'MIT',
      name: `Bench ${n}`,
      registryOverrides: { cloud: { enabled: true }, oss: { enabled: true } },
      releaseStage: n % 3 === 0 ? 'generally_available' : 'alpha',
      releases: {
        breakingChanges: {
          '1.0.0': {
            message: `Version 1.0.0 of ${id} renames the users stream to accounts.`,
            upgradeDeadline: '2025-01-31',
            scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }],
          },
        },
      },
      suggestedStreams: { streams: ['accounts', 'orders', 'invoices'] },
      supportLevel: n % 10 === 0 ? 'certified' : 'community',
      tags: ['language:python', 'cdk:python'],
    },
  });
}

const ids = new Map<number, string>();
function randomUUIDFor(n: number): string {
  let id = ids.get(n);
  if (!id) ids.set(n, (id = randomUUID()));
  return id;
}

/**
 * `POST /v1/imports` with `documents` generated metadata.yaml files against the service in its own
 * process: creation, the same documents again (all unchanged), then every one with a greater tag
 * applied (a PUBLISH_RELEASE each). Peak RSS of the service process is sampled from /proc.
 */
export async function measureAirbyteImport({ documents = 1000 } = {}): Promise<ImportBenchResult> {
  const service = await startServiceUnderTest({ persistent: true });
  const pid = service.process.pid!;
  const rssMb = async () => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  };
  try {
    const post = async (body: unknown) => {
      const res = await fetch(`${service.base}/v1/imports`, {
        method: 'POST',
        headers: service.headers,
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`import: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown[]>;
    };
    const first = Array.from({ length: documents }, (_, n) => metadataText(n, '1.0.0'));
    const bumped = Array.from({ length: documents }, (_, n) => metadataText(n, '1.1.0'));
    const bodyMb = Buffer.byteLength(JSON.stringify({ metadata: first })) / 2 ** 20;

    const baselineRssMb = await rssMb();
    let peakRssMb = baselineRssMb;
    const sampler = setInterval(() => {
      rssMb().then(
        (mb) => (peakRssMb = Math.max(peakRssMb, mb)),
        () => {},
      );
    }, 20);

    const timed = async (body: unknown, expect: string) => {
      const started = performance.now();
      const report = await post(body);
      const seconds = (performance.now() - started) / 1000;
      if (report[expect]?.length !== documents || report.refused?.length !== 0) {
        throw new Error(`unexpected report: ${JSON.stringify(report).slice(0, 500)}`);
      }
      return seconds;
    };
    const createdAt = performance.now();
    const createSeconds = await timed({ metadata: first, maintainers: ['bench'] }, 'created');
    for (;;) {
      const res = await fetch(`${service.base}/v1/catalog`);
      const catalog = (await res.json()) as { connectors: unknown[] };
      if (catalog.connectors.length === documents) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const catalogSeconds = (performance.now() - createdAt) / 1000;
    const unchangedSeconds = await timed({ metadata: first, apply: true }, 'unchanged');
    const applySeconds = await timed({ metadata: bumped, apply: true }, 'applied');
    clearInterval(sampler);
    peakRssMb = Math.max(peakRssMb, await rssMb());
    return {
      documents,
      bodyMb,
      createSeconds,
      catalogSeconds,
      unchangedSeconds,
      applySeconds,
      baselineRssMb,
      peakRssMb,
    };
  } finally {
    await service.stop();
  }
}
