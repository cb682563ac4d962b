/**
 * POST /v1/imports with every real Airbyte metadata.yaml of test/fixtures/airbyte-metadata: each
 * becomes a connector true to its document (SPEC §11); importing them again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';
import { fixtures, importDocuments, type Fixture, type ImportReport } from './helpers.js';

let svc: TestService;
let receiver: WebhookReceiver;
let first: ImportReport;
const all = fixtures();

const STATE_OF: Record<string, string> = {
  certified: 'certified.active',
  community: 'community.active',
  archived: 'archived.idle',
};

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
  receiver = await WebhookReceiver.start();
  const sub = await svc.api.post('/v1/subscriptions', { url: receiver.url, secret: 's3cret' });
  expect(sub.status, sub.text).toBe(201);
  first = await importDocuments(svc.api, {
    metadata: all.map((f) => f.text),
    maintainers: ['alice'],
  });
});

afterAll(async () => {
  await receiver?.close();
  await svc?.cleanup();
});

async function connector(id: string) {
  const res = await svc.api.get(`/v1/connectors/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body as Record<string, any>;
}

describe('importing every fixture', () => {
  test('creates one connector per document and refuses none', () => {
    expect(all).toHaveLength(12);
    expect(first.refused).toEqual([]);
    expect([...first.created].sort()).toEqual(all.map((f) => f.id).sort());
    expect(first).toMatchObject({ dryRun: false, unchanged: [], drift: [], applied: [] });
  });

  test.each(all.map((f) => [f.file, f] as [string, Fixture]))(
    '%s: the connector is true to its document',
    async (_file, f) => {
      const data = f.doc.data;
      const c = await connector(f.id);
      const level = (data.supportLevel as string | undefined) ?? 'community';
      expect(c).toMatchObject({
        id: f.id,
        definitionId: data.definitionId,
        name: data.name,
        type: data.connectorType,
        dockerRepository: data.dockerRepository,
        dockerImageTag: data.dockerImageTag,
        state: STATE_OF[level],
        cdkVersion: null,
        maintainers: ['alice'],
        documentationUrl: data.documentationUrl,
        releaseStage: data.releaseStage,
        connectorSubtype: data.connectorSubtype,
        license: data.license,
        githubIssueLabel: data.githubIssueLabel,
        tags: data.tags ?? [],
        releaseDate: data.releaseDate ?? null,
        iconUrl: null,
        spec: null,
      });
      const languageTag = (data.tags as string[]).find((t) => t.startsWith('language:'));
      expect(c.language).toBe(languageTag ? languageTag.slice('language:'.length) : null);

      const changes = (data.releases?.breakingChanges ?? {}) as Record<string, any>;
      expect(Object.keys(c.breakingChanges).sort()).toEqual(Object.keys(changes).sort());
      for (const [version, change] of Object.entries(changes)) {
        expect(c.breakingChanges[version]).toEqual({
          message: change.message,
          upgradeDeadline: `${change.upgradeDeadline}T00:00:00.000Z`,
          ...(change.scopedImpact ? { scopedImpact: change.scopedImpact } : {}),
        });
      }

      // Every other field of the document is kept verbatim; `registries` is read as
      // registryOverrides.
      const overrides = data.registryOverrides ?? data.registries;
      if (overrides) expect(c.airbyte.registryOverrides).toEqual(overrides);
      for (const key of ['allowedHosts', 'ab_internal', 'icon', 'suggestedStreams', 'erdUrl']) {
        if (data[key] !== undefined) expect(c.airbyte[key], key).toEqual(data[key]);
      }
      if (data.releases?.rolloutConfiguration) {
        expect(c.airbyte.releases).toEqual({
          rolloutConfiguration: data.releases.rolloutConfiguration,
        });
      }
      for (const owned of ['name', 'definitionId', 'dockerImageTag', 'supportLevel', 'tags']) {
        expect(c.airbyte?.[owned], owned).toBeUndefined();
      }

      if (level === 'archived') {
        expect(c.archive).toEqual({
          archivedAt: expect.any(String),
          reason: expect.stringContaining('archived'),
          sourceUrl: `https://github.com/airbytehq/connector-archive/tree/main/${f.id}`,
        });
        expect(c.allowedEvents).toEqual(['REQUEST_UNARCHIVE']);
      } else {
        expect(c.archive).toBeNull();
      }
    },
  );

  test('each history starts with an IMPORT entry naming the actor and the format', async () => {
    for (const f of all) {
      const res = await svc.api.get(`/v1/connectors/${f.id}/history`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({
        version: 1,
        type: 'IMPORT',
        actor: 'admin',
        from: null,
        payload: { format: 'metadata' },
      });
    }
  });

  test('the catalog lists the certified and community ones, never the archived ones', async () => {
    const listed = all.filter((f) => f.doc.data.supportLevel !== 'archived').map((f) => f.id);
    const doc = await waitFor(
      async () => {
        const res = await svc.as(null).get('/v1/catalog');
        const ids = (res.body.connectors as { id: string }[]).map((c) => c.id);
        return listed.every((id) => ids.includes(id)) ? res.body : undefined;
      },
      { what: 'the catalog to list the imported connectors' },
    );
    const ids = (doc.connectors as { id: string }[]).map((c) => c.id).sort();
    expect(ids).toEqual([...listed].sort());
  });

  test('sends no per-connector webhook (a later registration is the only one)', async () => {
    const sentinel = registration();
    expect((await svc.api.post('/v1/connectors', sentinel)).status).toBe(201);
    await waitFor(() => receiver.requests.some((r) => r.body?.connectorId === sentinel.id), {
      what: 'the registration webhook',
    });
    const imported = new Set(all.map((f) => f.id));
    expect(receiver.requests.filter((r) => imported.has(r.body?.connectorId))).toEqual([]);
  });

  test('importing the same documents again creates and changes nothing', async () => {
    const before = await Promise.all(all.map((f) => connector(f.id)));
    const again = await importDocuments(svc.api, {
      metadata: all.map((f) => f.text),
      apply: true,
    });
    expect(again.refused).toEqual([]);
    expect(again.drift).toEqual([]);
    expect(again).toMatchObject({ created: [], applied: [] });
    expect([...again.unchanged].sort()).toEqual(all.map((f) => f.id).sort());
    const after = await Promise.all(all.map((f) => connector(f.id)));
    expect(after.map((c) => c.version)).toEqual(before.map((c) => c.version));
    expect(after.map((c) => c.updatedAt)).toEqual(before.map((c) => c.updatedAt));
  });

  test('a dry run of new documents reports them and creates nothing', async () => {
    const text = all[0]!.text.replaceAll(all[0]!.id, 'source-dry-run-only');
    const report = await importDocuments(svc.api, {
      metadata: [
        text.replace(/definitionId: .*/, 'definitionId: 0b0e4a7e-1111-4222-8333-444455556666'),
      ],
      dryRun: true,
    });
    expect(report).toMatchObject({ dryRun: true, created: ['source-dry-run-only'], refused: [] });
    expect((await svc.api.get('/v1/connectors/source-dry-run-only')).status).toBe(404);
  });
});
