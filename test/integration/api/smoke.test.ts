import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACCEPTANCE_SCRIPT, registration, startTestService, waitFor, type TestService } from '../../support/harness.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
});
afterAll(async () => {
  await svc.cleanup();
});
test('smoke', async () => {
  const r = await svc.api.post('/v1/connectors', registration());
  console.log(r.status, r.body);
  const e = await svc.api.event(r.body.id, { type: 'REQUEST_CERTIFICATION' });
  console.log(e.status);
  const t0 = Date.now();
  await waitFor(async () => (await svc.api.get(`/v1/connectors/${r.body.id}`)).body.state === 'certified.active');
  console.log('certified in', Date.now() - t0);
  console.log(JSON.stringify((await svc.api.get(`/v1/connectors/${r.body.id}/acceptance-runs`)).body, null, 1));
  console.log(JSON.stringify((await svc.api.get(`/v1/connectors/${r.body.id}/history`)).body, null, 1));
  console.log(JSON.stringify((await svc.api.get(`/v1/catalog`)).body, null, 1));
  expect(1).toBe(1);
});
