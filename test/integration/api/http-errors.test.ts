import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_EVENT_TYPES } from '../../../machines/connector-events.js';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import {
  ACCEPTANCE_SCRIPT,
  ADMIN_TOKEN,
  registration,
  startTestService,
  type TestService,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
});
afterAll(async () => {
  await svc?.cleanup();
});

/** A raw request: any method, body and headers. */
async function raw(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${svc.api.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

describe('errors are application/problem+json', () => {
  test('413 for a body over 1 MB', async () => {
    const big = JSON.stringify(registration({ name: 'x'.repeat(1_100_000) }));
    const res = await raw('POST', '/v1/connectors', big, { 'content-type': 'application/json' });
    expectProblem(res, 413);
    // just under the limit: read, then refused as invalid
    const under = JSON.stringify(registration({ name: 'x'.repeat(900_000) }));
    const res2 = await raw('POST', '/v1/connectors', under, { 'content-type': 'application/json' });
    expectProblem(res2, 400);
  });

  test('413 on the events endpoint too', async () => {
    const body = JSON.stringify({ type: 'ARCHIVE', reason: 'y'.repeat(1_200_000) });
    const res = await raw('POST', '/v1/connectors/source-anything/events', body, {
      'content-type': 'application/json',
    });
    expectProblem(res, 413);
  });

  test('415 for a body that is not JSON', async () => {
    const reg = registration();
    const body = JSON.stringify(reg);
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'application/json; charset=latin1',
    ]) {
      const res = await raw('POST', '/v1/connectors', body, { 'content-type': type });
      expectProblem(res, 415);
    }
    // nothing was registered
    expectProblem(await svc.api.get(`/v1/connectors/${reg.id}`), 404);
  });

  test('415 for a body without a content type', async () => {
    const res = await raw('POST', '/v1/tokens', Buffer.from('{"subject":"a","role":"reader"}'));
    expectProblem(res, 415);
  });

  test('400 for malformed JSON', async () => {
    for (const body of ['{"id":', '{id: 1}', "{'a': 1}", '{"a":1}}', 'nul']) {
      const res = await raw('POST', '/v1/connectors', body, { 'content-type': 'application/json' });
      expectProblem(res, 400);
    }
  });

  test('404 for an unknown route', async () => {
    expectProblem(await svc.api.get('/v1/nothing-here'), 404);
    expectProblem(await svc.as(null).get('/nothing-here'), 404);
    expectProblem(await svc.api.get('/v1/connectors/source-x/unknown'), 404);
  });

  test('an unsupported method on a known path is a 404 or 405 problem', async () => {
    const res = await svc.api.request('PUT', '/v1/connectors', {});
    expect([404, 405]).toContain(res.status);
    expectProblem(res, res.status);
  });

  test('401 and 403 are problems with a detail', async () => {
    const unauth = expectProblem(await svc.as(null).get('/v1/connectors'), 401);
    expect(unauth.detail.length).toBeGreaterThan(0);
    const reader = svc.as(await svc.tokenFor('reader'));
    const forbidden = expectProblem(
      await reader.post('/v1/tokens', { subject: 'a', role: 'admin' }),
      403,
    );
    expect(forbidden.detail.length).toBeGreaterThan(0);
  });

  test('no input, however malformed, yields a 5xx', async () => {
    const id = (await svc.api.post('/v1/connectors', registration())).body.id as string;
    const attempts: [string, string, string | undefined][] = [
      ['POST', '/v1/connectors', '{"__proto__": {"admin": true}}'],
      ['POST', '/v1/connectors', '{"constructor": {"prototype": {"x": 1}}}'],
      [
        'POST',
        '/v1/connectors',
        '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
      ],
      [
        'POST',
        '/v1/connectors',
        JSON.stringify(registration({ maintainers: [{}], name: { $gt: '' } })),
      ],
      ['POST', '/v1/connectors', '1e999999'],
      ['POST', '/v1/connectors', '"\\ud800"'],
      ['POST', `/v1/connectors/${id}/events`, '{"type": {"toString": 1}}'],
      [
        'POST',
        `/v1/connectors/${id}/events`,
        '{"type": "DEPRECATE", "reason": "x", "noticeDays": 1e308}',
      ],
      [
        'POST',
        `/v1/connectors/${id}/events`,
        '{"type": "PUBLISH_RELEASE", "dockerImageTag": "99999999999999999999.0.0"}',
      ],
      ['POST', `/v1/connectors/${id}/events`, '{"type": "__proto__"}'],
      ['POST', '/v1/connectors/%E0%A4%A/events', '{"type": "ARCHIVE", "reason": "x"}'],
      ['GET', '/v1/connectors/%00', undefined],
      ['GET', '/v1/connectors/%E0%A4%A', undefined],
      ['GET', '/v1/connectors?limit=1&limit=2', undefined],
      ['GET', '/v1/connectors?limit[]=1', undefined],
      ['GET', '/v1/connectors?cursor=' + 'A'.repeat(5000), undefined],
      ['GET', '/v1/connectors?q=' + encodeURIComponent('%(*$^\\'), undefined],
      ['GET', `/v1/connectors/${'a'.repeat(5000)}`, undefined],
      ['DELETE', '/v1/tokens/%FF', undefined],
      ['POST', '/v1/tokens', '{"subject": "a\\u0000b", "role": "reader"}'],
    ];
    for (const [method, path, body] of attempts) {
      const res = await raw(
        method,
        path,
        body,
        body !== undefined ? { 'content-type': 'application/json' } : {},
      );
      expect(
        res.status,
        `${method} ${path} ${body ?? ''} → ${res.status} ${res.text}`,
      ).toBeLessThan(500);
      if (res.status >= 400) expectProblem(res, res.status);
    }
    // the connector is untouched
    const after = await svc.api.get(`/v1/connectors/${id}`);
    expect(after.body.version).toBe(1);
  });
});

describe('public endpoints', () => {
  test('GET /v1/machine lists the states and events', async () => {
    const res = await svc.as(null).get('/v1/machine');
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const state of STATE_NAMES) {
      expect(text).toContain(`"${state}"`);
    }
    expect(res.body.events).toEqual(expect.arrayContaining([...API_EVENT_TYPES]));
    expect(res.body.events).not.toContain('ARCHIVE_DUE');
    // the reminder timer and the sweep's review suggestion are internal too
    expect(res.body.internalEvents).toEqual(
      expect.arrayContaining(['ARCHIVE_DUE', 'REMINDER_DUE', 'SUGGEST_REVIEW']),
    );
    expect(res.body.events).not.toContain('REMINDER_DUE');
    expect(res.body.events).not.toContain('SUGGEST_REVIEW');
    expect(Array.isArray(res.body.states)).toBe(true);
    expect(res.body.states.length).toBe(10);
  });

  test('GET /healthz → 200', async () => {
    const res = await svc.as(null).get('/healthz');
    expect(res.status).toBe(200);
  });

  test('GET /readyz → 200 with redis ok', async () => {
    const res = await svc.as(null).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.redis).toBe('ok');
  });
});
