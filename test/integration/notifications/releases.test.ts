import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  TestClock,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { certify, waitForQuiet } from './helpers.js';
import { expectedSignature, WebhookReceiver } from './webhook-receiver.js';
import { promoteTimers, register, subscribe } from '../../support/api-helpers.js';

const DAY_MS = 86_400_000;
/**
 * LIFECYCLE_REMINDER_DAYS: one reminder about 1.7 s before the deadline. The test moves the
 * service's clock to that time and promotes the delayed reminder (promoteTimers) instead of waiting.
 */
const REMINDER_DAYS = 0.00002;
const REMINDER_MS = Math.round(REMINDER_DAYS * DAY_MS);
const DOCS = 'https://docs.example.com/migrations';

function dateInDays(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

function breakingChange(upgradeDeadline: string, message = 'the stream "users" was renamed') {
  return { message, upgradeDeadline, migrationDocumentationUrl: DOCS };
}

describe('releases with breaking changes', () => {
  let svc: TestService;
  const clock = new TestClock();
  const receivers: WebhookReceiver[] = [];

  async function receiverFor(
    connectorId: string,
    events: string[],
    secret = 'release-secret',
  ): Promise<WebhookReceiver> {
    const rx = await WebhookReceiver.start();
    receivers.push(rx);
    await subscribe(svc.api, { url: rx.url, secret, connectorIds: [connectorId], events });
    return rx;
  }

  async function snapshot(id: string) {
    const [connector, history] = await Promise.all([
      svc.api.get(`/v1/connectors/${id}`),
      svc.api.get(`/v1/connectors/${id}/history`),
    ]);
    expect(connector.status).toBe(200);
    return {
      connector: connector.body as Record<string, unknown>,
      etag: connector.headers.get('etag'),
      history: (history.body as { items: unknown[] }).items.length,
    };
  }

  beforeAll(async () => {
    svc = await startTestService({
      clock: clock.now,
      env: {
        LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
        LIFECYCLE_REMINDER_DAYS: String(REMINDER_DAYS),
      },
    });
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await svc?.cleanup();
  });

  test('a breaking change reminder fires at its time', async () => {
    const body = registration({ dockerImageTag: '2.9.0' });
    const secret = 'reminder-secret';
    const rx = await receiverFor(body.id, ['connector.breaking_change_reminder'], secret);
    await register(svc.api, body);
    // a full ISO timestamp 4 s ahead; the test then moves the service's clock to the reminder's time
    const deadline = new Date(Date.now() + 4_000).toISOString();
    const reminderAt = Date.parse(deadline) - REMINDER_MS;
    const res = await svc.api.event(body.id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '3.0.0',
      breakingChange: breakingChange(deadline, 'config "password" moved'),
    });
    expect(res.status, res.text).toBe(200);
    expect(clock.now().getTime()).toBeLessThan(reminderAt);

    clock.advance(reminderAt - clock.now().getTime());
    await promoteTimers(svc, body.id, { timer: 'breakingChangeReminder' });
    const { event, request } = await rx.waitForEvent(
      (e) => e.type === 'connector.breaking_change_reminder',
      { timeoutMs: 15_000, what: 'the breaking change reminder' },
    );
    // not before its time, on the service's clock
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(reminderAt);
    expect(event.connectorId).toBe(body.id);
    expect(event.data).toMatchObject({
      version: '3.0.0',
      daysBefore: REMINDER_DAYS,
      message: 'config "password" moved',
      migrationDocumentationUrl: DOCS,
      supportLevel: 'community',
    });
    expect(Date.parse(event.data.upgradeDeadline as string)).toBe(Date.parse(deadline));
    expect(request.headers['x-lifecycle-event-id']).toBe(event.id);
    expect(request.headers['x-lifecycle-signature']).toBe(
      expectedSignature(secret, request.rawBody),
    );
    // one reminder per configured day count
    expect(rx.requests).toHaveLength(1);
  });

  test('a certified source refuses a breaking change 3 days ahead (422 UPGRADE_WINDOW_TOO_SHORT)', async () => {
    const body = registration();
    const rx = await receiverFor(body.id, ['connector.release_published']);
    await certify(svc.api, body);
    const before = await snapshot(body.id);

    for (const upgradeDeadline of [
      dateInDays(3),
      new Date(Date.now() + 3 * DAY_MS).toISOString(),
    ]) {
      const res = await svc.api.event(body.id, {
        type: 'PUBLISH_RELEASE',
        dockerImageTag: '1.1.0',
        breakingChange: breakingChange(upgradeDeadline),
      });
      expect(res.status, res.text).toBe(422);
      expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('UPGRADE_WINDOW_TOO_SHORT');
      expect(res.body.status).toBe(422);
      expect(await snapshot(body.id)).toEqual(before);
    }
    expect(before.connector.dockerImageTag).toBe('1.0.0');
    expect(before.connector.breakingChanges).toEqual({});

    // with a long enough window it goes through; only that release is announced
    const ok = await svc.api.event(body.id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '1.2.0',
      breakingChange: breakingChange(dateInDays(8)),
    });
    expect(ok.status, ok.text).toBe(200);
    const { event } = await rx.waitForEvent((e) => e.type === 'connector.release_published');
    expect(event.data.dockerImageTag).toBe('1.2.0');
    expect(event.data.supportLevel).toBe('certified');
    await waitForQuiet(svc);
    expect(rx.requests).toHaveLength(1);
    expect(Object.keys(ok.body.breakingChanges as object)).toEqual(['1.2.0']);
  });

  test('a community connector may break with short notice: kept on the connector, in the catalog, announced', async () => {
    const body = registration({ type: 'destination' });
    const rx = await receiverFor(body.id, ['connector.release_published']);
    await register(svc.api, body);
    const deadline = dateInDays(3);

    const res = await svc.api.event(body.id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      cdkVersion: '6.1.0',
      breakingChange: breakingChange(deadline),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.state).toBe('community.active');
    expect(res.body.dockerImageTag).toBe('2.0.0');
    const stored = res.body.breakingChanges['2.0.0'] as Record<string, string>;
    expect(stored).toMatchObject({
      message: 'the stream "users" was renamed',
      migrationDocumentationUrl: DOCS,
    });
    // a date-only deadline means 00:00 UTC of that day
    expect(Date.parse(stored.upgradeDeadline!)).toBe(Date.parse(`${deadline}T00:00:00Z`));
    expect((await svc.api.get(`/v1/connectors/${body.id}`)).body.breakingChanges).toEqual(
      res.body.breakingChanges,
    );

    const entry = await waitFor(
      async () => {
        const catalog = await svc.api.get('/v1/catalog');
        const found = (catalog.body.connectors as Record<string, any>[]).find(
          (c) => c.id === body.id,
        );
        return found?.dockerImageTag === '2.0.0' ? found : undefined;
      },
      { what: 'the catalog to show the release' },
    );
    expect(entry.breakingChanges['2.0.0']).toEqual(stored);

    const { event } = await rx.waitForEvent((e) => e.type === 'connector.release_published');
    expect(event.connectorId).toBe(body.id);
    expect(event.data).toMatchObject({
      dockerImageTag: '2.0.0',
      cdkVersion: '6.1.0',
      supportLevel: 'community',
      status: 'active',
    });
    expect(event.data.breakingChange).toMatchObject({
      message: 'the stream "users" was renamed',
      migrationDocumentationUrl: DOCS,
    });
    expect(Date.parse(event.data.breakingChange.upgradeDeadline as string)).toBe(
      Date.parse(`${deadline}T00:00:00Z`),
    );
  });
});
