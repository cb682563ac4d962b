/** sweep, usage, tokens, subscriptions, machine and export through `lifecycle` (SPEC §12). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForCatalogCaughtUp } from '../../support/api-helpers.js';
import { registration, waitFor } from '../../support/harness.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';
import { runCli, useCliSetup } from './run-cli.js';

// The commands run in this process (run-cli.ts); --wait commands poll: generous time per test.
describe('lifecycle operations', { timeout: 180_000 }, () => {
  const cli = useCliSetup({
    env: {
      // every connector is old enough for the sweep at once
      LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0',
      LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    },
  });

  it('usage import sends a CSV file and reports what was refused, with its line', async () => {
    const used = registration();
    await cli.svc.api.post('/v1/connectors', used);
    const today = new Date().toISOString().slice(0, 10);
    const csv = join(cli.dir, 'usage.csv');
    await writeFile(
      csv,
      [
        'date,connectorId,activeConnections,syncs',
        `${today},${used.id},40,12`,
        '',
        `${today},source-unknown-here,1,1`,
        `${today},${used.id},lots,1`,
      ].join('\n'),
    );
    const res = await runCli(['usage', 'import', csv, '--json'], cli.env);
    expect(res.code).toBe(1);
    const report = res.json();
    expect(report).toMatchObject({ entries: 3, batches: 1, stored: 1 });
    expect(report.rejected.map((r: any) => [r.index, r.origin, r.connectorId])).toEqual([
      [1, 'line 4', 'source-unknown-here'],
      [2, 'line 5', used.id],
    ]);
    expect(res.stderr).toContain('2 entries rejected');

    const json = join(cli.dir, 'usage.json');
    await writeFile(
      json,
      JSON.stringify([{ connectorId: used.id, date: today, activeConnections: 50, syncs: 3 }]),
    );
    const ok = await runCli(['usage', 'import', json], cli.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Stored 1 entry of 1; 0 rejected.');
  });

  it('sweep --dry-run --wait prints the candidates; --json is the final sweep', async () => {
    const idle = registration();
    await cli.svc.api.post('/v1/connectors', idle);
    const text = await runCli(['sweep', '--dry-run', '--wait'], cli.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Sweep [0-9a-f-]+ \(dry run: nothing changed\): completed/);
    expect(text.stdout).toMatch(
      new RegExp(`${idle.id}\\s+│ community │ low usage: 0 connection-days`),
    );
    expect(text.stdout).toContain('would_deprecate');
    expect(text.stderr).toContain('waiting for its report');

    const json = await runCli(['sweep', '--dry-run', '--wait', '--json'], cli.env);
    expect(json.code).toBe(0);
    const sweep = json.json();
    expect(sweep.status).toBe('completed');
    expect(sweep).toEqual((await cli.svc.api.get(`/v1/archival-sweeps/${sweep.id}`)).body);
    expect((await cli.svc.api.get(`/v1/connectors/${idle.id}`)).body.state).toBe(
      'community.active',
    );

    const queued = await runCli(['sweep', '--dry-run', '--json'], cli.env);
    expect(queued.code).toBe(0);
    expect(queued.json()).toMatchObject({ status: 'queued', dryRun: true });
  });

  it('tokens create prints a working token; tokens revoke ends it', async () => {
    const created = await runCli(
      ['tokens', 'create', '--subject', 'carol', '--role', 'reader', '--json'],
      cli.env,
    );
    expect(created.code).toBe(0);
    const token = created.json();
    expect(token).toMatchObject({ subject: 'carol', role: 'reader' });
    expect((await cli.svc.as(token.token).get('/v1/connectors')).status).toBe(200);

    const revoked = await runCli(['tokens', 'revoke', token.id], cli.env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Token ${token.id} revoked.`);
    expect((await cli.svc.as(token.token).get('/v1/connectors')).status).toBe(401);

    const denied = await runCli(['tokens', 'create', '--subject', 'dave', '--role', 'admin'], {
      ...cli.env,
      LIFECYCLE_TOKEN: token.token,
    });
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
  });

  it('subscriptions create, list, deliveries and delete', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const connector = registration();
      await cli.svc.api.post('/v1/connectors', connector);
      const created = await runCli(
        [
          'subscriptions',
          'create',
          '--webhook-url',
          receiver.url,
          '--secret',
          's3cret',
          '--event',
          'connector.archived',
          '--connector',
          connector.id,
          '--json',
        ],
        cli.env,
      );
      expect(created.code).toBe(0);
      const sub = created.json();
      expect(sub).toMatchObject({ events: ['connector.archived'], connectorIds: [connector.id] });
      expect(sub.secret).toBeUndefined();

      const list = await runCli(['subscriptions', 'list', '--json'], cli.env);
      expect(list.json()).toEqual((await cli.svc.api.get('/v1/subscriptions')).body);

      expect((await cli.svc.api.event(connector.id, { type: 'ARCHIVE', reason: 'x' })).status).toBe(
        200,
      );
      await receiver.waitForEvent((e) => e.connectorId === connector.id);
      const attempts = await waitFor(
        async () => {
          const items = (await cli.svc.api.get(`/v1/subscriptions/${sub.id}/deliveries`)).body
            .items;
          return items.length > 0 ? items : undefined;
        },
        { what: 'the delivery attempt to be recorded' },
      );
      const deliveries = await runCli(['subscriptions', 'deliveries', sub.id, '--json'], cli.env);
      expect(deliveries.code).toBe(0);
      expect(deliveries.json().items).toEqual(attempts);
      expect(attempts[0]).toMatchObject({ eventType: 'connector.archived', outcome: 'delivered' });

      const deleted = await runCli(['subscriptions', 'delete', sub.id], cli.env);
      expect(deleted.code).toBe(0);
      expect((await cli.svc.api.get('/v1/subscriptions')).body.items).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('machine: --json is GET /v1/machine, --mermaid a stateDiagram-v2 of it', async () => {
    const api = (await cli.svc.api.get('/v1/machine')).body;
    const res = await runCli(['machine', '--json'], cli.env);
    expect(res.code).toBe(0);
    expect(res.json()).toEqual(api);

    const mermaid = await runCli(['machine', '--mermaid'], cli.env);
    expect(mermaid.code).toBe(0);
    const lines = mermaid.stdout.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  community_active --> community_certifying: REQUEST_CERTIFICATION');
    expect(lines).toContain(
      '  community_certifying --> certified_active: ACCEPTANCE_PASSED* [gateMatches]',
    );
    for (const s of api.states)
      expect(mermaid.stdout).toContain(`${s.state.replace('.', '_')}: ${s.status}`);
  });

  it('export registry --out writes GET /v1/catalog/registry.json', async () => {
    const out = join(cli.dir, 'registry.json');
    // the connectors the tests above registered may still be on their way into the catalog
    await waitForCatalogCaughtUp(cli.svc.api);
    const res = await runCli(['export', 'registry', '--out', out], cli.env);
    expect(res.code).toBe(0);
    const api = (await cli.svc.api.get('/v1/catalog/registry.json')).body;
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(api);
    expect(res.stdout).toMatch(/^Wrote \d+ sources and \d+ destinations to /);
  });
});
