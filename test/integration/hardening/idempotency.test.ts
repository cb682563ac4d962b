import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  registration,
  startTestService,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

/** `Idempotency-Key` on a POST (SPEC §4): the first response is replayed, the work done once. */

let svc: TestService;
let alice: string; // a contributor listed as maintainer of the connectors below
let bob: string; // another contributor

beforeAll(async () => {
  svc = await startTestService({
    roles: ['api'],
    env: { LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  alice = await svc.tokenFor('contributor', 'idem-alice');
  bob = await svc.tokenFor('contributor', 'idem-bob');
});

afterAll(async () => {
  await svc?.cleanup();
});

const key = () => `idem-${randomUUID()}`;
const replayed = (res: ApiResponse) => res.headers.get('idempotent-replayed') === 'true';

async function newConnector(): Promise<string> {
  const reg = registration({ maintainers: ['idem-alice'] });
  const res = await svc.api.post('/v1/connectors', reg);
  expect(res.status, res.text).toBe(201);
  return reg.id;
}

async function releases(id: string): Promise<number> {
  const history = await svc.api.get(`/v1/connectors/${id}/history`);
  return (history.body.items as { type: string }[]).filter((e) => e.type === 'PUBLISH_RELEASE')
    .length;
}

describe('Idempotency-Key', () => {
  test('an event sent twice with the same key is applied once; the response is replayed', async () => {
    const id = await newConnector();
    const k = key();
    const body = { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' };
    const first = await svc.as(alice).event(id, body, { 'idempotency-key': k });
    expect(first.status, first.text).toBe(200);
    expect(replayed(first)).toBe(false);
    expect(first.body.version).toBe(2);

    const second = await svc.as(alice).event(id, body, { 'idempotency-key': k });
    expect(second.status).toBe(200);
    expect(replayed(second)).toBe(true);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);

    const now = await svc.api.get(`/v1/connectors/${id}`);
    expect(now.body.version).toBe(2);
    expect(now.body.dockerImageTag).toBe('1.1.0');
    expect(await releases(id)).toBe(1);

    // without the key, the same request is new work: refused, as 1.1.0 is not above 1.1.0
    const again = await svc.as(alice).event(id, body);
    expect(again.status).toBe(422);
    expect(replayed(again)).toBe(false);
  });

  test('a registration sent twice with a key: the second is the replayed 201, not a 409', async () => {
    const reg = registration();
    const k = key();
    const first = await svc.as(alice).post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(first.status, first.text).toBe(201);
    const second = await svc.as(alice).post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(second.status, second.text).toBe(201);
    expect(replayed(second)).toBe(true);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(`/v1/connectors/${reg.id}`);
    // the connector exists once, at version 1, with one history entry
    const history = await svc.api.get(`/v1/connectors/${reg.id}/history`);
    expect(history.body.items).toHaveLength(1);
    expect((await svc.api.get(`/v1/connectors/${reg.id}`)).body.version).toBe(1);
    // without the key it is a 409, as it should be
    expectProblem(await svc.as(alice).post('/v1/connectors', reg), 409);
  });

  test('the same key with another body (or path) is a 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const id = await newConnector();
    const k = key();
    const first = await svc
      .as(alice)
      .event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.2.0' }, { 'idempotency-key': k });
    expect(first.status, first.text).toBe(200);

    const other = await svc
      .as(alice)
      .event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.3.0' }, { 'idempotency-key': k });
    const problem = expectProblem(other, 422);
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(replayed(other)).toBe(false);

    const otherPath = await svc
      .as(alice)
      .post('/v1/connectors', registration(), { 'idempotency-key': k });
    expect(expectProblem(otherPath, 422).code).toBe('IDEMPOTENCY_KEY_REUSED');

    // neither was carried out
    const now = await svc.api.get(`/v1/connectors/${id}`);
    expect(now.body.dockerImageTag).toBe('1.2.0');
    expect(now.body.version).toBe(2);
    expect(await releases(id)).toBe(1);
  });

  test('keys are per caller: another caller with the same key and body does the work itself', async () => {
    const reg = registration();
    const k = key();
    const first = await svc.as(alice).post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(first.status, first.text).toBe(201);
    // bob has never used the key: his request runs, and the connector now exists
    const theirs = await svc.as(bob).post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(replayed(theirs)).toBe(false);
    const problem = expectProblem(theirs, 409);
    expect(problem.code).toBe('ALREADY_EXISTS');
    // and bob's own response is what he gets replayed from now on
    const theirsAgain = await svc.as(bob).post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(theirsAgain.status).toBe(409);
    expect(replayed(theirsAgain)).toBe(true);
    // alice still gets her 201
    const mine = await svc.as(alice).post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(mine.status).toBe(201);
    expect(replayed(mine)).toBe(true);
    expect(mine.body).toEqual(first.body);
  });

  test('an error response (400) is replayed too', async () => {
    const bad = { ...registration(), dockerImageTag: 'not-semver' };
    const k = key();
    const first = await svc.as(alice).post('/v1/connectors', bad, { 'idempotency-key': k });
    expectProblem(first, 400);
    expect(replayed(first)).toBe(false);
    const second = await svc.as(alice).post('/v1/connectors', bad, { 'idempotency-key': k });
    expectProblem(second, 400);
    expect(replayed(second)).toBe(true);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('a malformed Idempotency-Key is a 400 and nothing is done', async () => {
    const reg = registration();
    for (const k of ['a'.repeat(256), 'two words', '']) {
      const res = await svc.as(alice).post('/v1/connectors', reg, { 'idempotency-key': k });
      expectProblem(res, 400);
    }
    expectProblem(await svc.api.get(`/v1/connectors/${reg.id}`), 404);
  });

  test('GET ignores the header', async () => {
    const id = await newConnector();
    const k = key();
    const a = await svc.as(alice).get(`/v1/connectors/${id}`, { 'idempotency-key': k });
    const b = await svc.as(alice).get(`/v1/connectors/${id}`, { 'idempotency-key': k });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(replayed(b)).toBe(false);
  });

  test('concurrent events with one key: exactly one does the work', async () => {
    const id = await newConnector();
    const k = key();
    const body = { type: 'PUBLISH_RELEASE', dockerImageTag: '2.0.0' };
    const results = await Promise.all(
      Array.from({ length: 12 }, () => svc.as(alice).event(id, body, { 'idempotency-key': k })),
    );
    const worked = results.filter((r) => r.status === 200 && !replayed(r));
    expect(
      worked,
      results.map((r) => `${r.status} ${r.text.slice(0, 80)}`).join('\n'),
    ).toHaveLength(1);
    for (const r of results) {
      if (r === worked[0]) continue;
      if (r.status === 200) {
        expect(replayed(r)).toBe(true);
        expect(r.body).toEqual(worked[0]!.body);
      } else {
        expect(expectProblem(r, 409).code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
      }
    }
    const now = await svc.api.get(`/v1/connectors/${id}`);
    expect(now.body.version).toBe(2);
    expect(await releases(id)).toBe(1);
    // once settled, a retry is a replay
    const later = await svc.as(alice).event(id, body, { 'idempotency-key': k });
    expect(later.status).toBe(200);
    expect(replayed(later)).toBe(true);
  });

  test('concurrent registrations with one key: one 201, never a 409 ALREADY_EXISTS', async () => {
    const reg = registration();
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        svc.as(alice).post('/v1/connectors', reg, { 'idempotency-key': k }),
      ),
    );
    const summary = results.map((r) => `${r.status} ${r.text.slice(0, 80)}`).join('\n');
    expect(
      results.filter((r) => r.status === 201 && !replayed(r)),
      summary,
    ).toHaveLength(1);
    for (const r of results) {
      if (r.status === 201) continue;
      expect(expectProblem(r, 409).code, summary).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    }
    const history = await svc.api.get(`/v1/connectors/${reg.id}/history`);
    expect(history.body.items).toHaveLength(1);
  });
});
