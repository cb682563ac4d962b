import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  waitFor,
  type ApiClient,
  type TestService,
} from '../../support/harness.js';
import {
  dateInDays,
  DAY_MS,
  errorPaths,
  expectProblem,
  expectUnchanged,
  mark,
} from '../../support/api-helpers.js';

let svc: TestService;
let reader: ApiClient;
let maintainer: ApiClient;
/** a contributor listed in the maintainers of the connectors registered here */
let owner: ApiClient;
/** a contributor who maintains nothing */
let stranger: ApiClient;
const OWNER = 'erin-owner';
const STRANGER = 'frank-stranger';
const MAINTAINER = 'grace-platform';

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
  reader = svc.as(await svc.tokenFor('reader'));
  maintainer = svc.as(await svc.tokenFor('maintainer', MAINTAINER));
  owner = svc.as(await svc.tokenFor('contributor', OWNER));
  stranger = svc.as(await svc.tokenFor('contributor', STRANGER));
});
afterAll(async () => {
  await svc?.cleanup();
});

async function register(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await svc.api.post(
    '/v1/connectors',
    registration({ maintainers: [OWNER], ...overrides }),
  );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function stateOf(id: string): Promise<string> {
  return (await svc.api.get(`/v1/connectors/${id}`)).body.state as string;
}

async function waitForState(id: string, state: string): Promise<void> {
  await waitFor(async () => (await stateOf(id)) === state, { what: `${id} to reach ${state}` });
}

async function certified(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await register(overrides);
  expect((await maintainer.event(id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
  await waitForState(id, 'certified.active');
  return id;
}

async function archived(): Promise<string> {
  const id = await register();
  expect((await maintainer.event(id, { type: 'ARCHIVE', reason: 'unused' })).status).toBe(200);
  return id;
}

async function lastHistory(id: string) {
  const items = (await svc.api.get(`/v1/connectors/${id}/history`)).body.items as Record<
    string,
    unknown
  >[];
  return items[items.length - 1]!;
}

describe('accepted events: 200 with the connector, version + 1', () => {
  test('DEPRECATE a community connector', async () => {
    const id = await register();
    const before = Date.now();
    const res = await maintainer.event(id, {
      type: 'DEPRECATE',
      reason: 'superseded',
      noticeDays: 30,
      replacement: 'source-newer',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v2"');
    expect(res.body).toMatchObject({
      id,
      supportLevel: 'community',
      status: 'deprecated',
      state: 'community.deprecated',
      version: 2,
      deprecation: { reason: 'superseded', replacement: 'source-newer', automated: false },
    });
    const archiveAt = Date.parse(res.body.deprecation.archiveAt as string);
    expect(archiveAt).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);
    expect(archiveAt).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 1000);
    expect(res.body.allowedEvents).toEqual(
      expect.arrayContaining(['CANCEL_DEPRECATION', 'ARCHIVE', 'PUBLISH_RELEASE']),
    );
    expect(res.body.allowedEvents).not.toContain('DEPRECATE');
    expect(await lastHistory(id)).toMatchObject({
      version: 2,
      type: 'DEPRECATE',
      actor: MAINTAINER,
      from: 'community.active',
      to: 'community.deprecated',
    });
    // what was returned is what is stored
    expect((await svc.api.get(`/v1/connectors/${id}`)).body).toEqual(res.body);
  });

  test('DEPRECATE a community connector without noticeDays: archival is in the future', async () => {
    const id = await register();
    const res = await maintainer.event(id, { type: 'DEPRECATE', reason: 'old' });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.deprecation.archiveAt as string)).toBeGreaterThan(
      Date.now() + DAY_MS,
    );
  });

  test('DEPRECATE a community connector with noticeDays 0: archived when the timer fires', async () => {
    const id = await register();
    const res = await maintainer.event(id, { type: 'DEPRECATE', reason: 'now', noticeDays: 0 });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('community.deprecated');
    await waitForState(id, 'archived.idle');
    expect(await lastHistory(id)).toMatchObject({
      type: 'ARCHIVE_DUE',
      actor: 'system',
      from: 'community.deprecated',
      to: 'archived.idle',
    });
  });

  test('CANCEL_DEPRECATION, with and without a reason', async () => {
    const id = await register();
    expect((await maintainer.event(id, { type: 'DEPRECATE', reason: 'x' })).status).toBe(200);
    const res = await maintainer.event(id, { type: 'CANCEL_DEPRECATION', reason: 'still used' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'community.active', version: 3, deprecation: null });
    expect((await maintainer.event(id, { type: 'DEPRECATE', reason: 'y' })).status).toBe(200);
    const again = await maintainer.event(id, { type: 'CANCEL_DEPRECATION' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'community.active', version: 5, deprecation: null });
  });

  test('ARCHIVE a community connector, active or deprecated', async () => {
    const active = await register();
    const res = await maintainer.event(active, { type: 'ARCHIVE', reason: 'unused' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      supportLevel: 'archived',
      status: 'idle',
      state: 'archived.idle',
      version: 2,
      allowedEvents: ['REQUEST_UNARCHIVE'],
    });

    const deprecated = await register();
    expect((await maintainer.event(deprecated, { type: 'DEPRECATE', reason: 'x' })).status).toBe(
      200,
    );
    const res2 = await maintainer.event(deprecated, { type: 'ARCHIVE', reason: 'now' });
    expect(res2.status).toBe(200);
    expect(res2.body).toMatchObject({ state: 'archived.idle', version: 3 });
  });

  test('PUBLISH_RELEASE records the new version and stays in the same state', async () => {
    const id = await register();
    const res = await maintainer.event(id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '1.1.0',
      cdkVersion: '6.1.0',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'community.active',
      version: 2,
      dockerImageTag: '1.1.0',
      cdkVersion: '6.1.0',
      breakingChanges: {},
    });
    expect(Date.parse(res.body.updatedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(res.body.createdAt as string),
    );
    expect(await lastHistory(id)).toMatchObject({
      type: 'PUBLISH_RELEASE',
      from: 'community.active',
      to: 'community.active',
    });
  });

  test('PUBLISH_RELEASE on a deprecated and on a custom connector', async () => {
    const deprecated = await register();
    await maintainer.event(deprecated, { type: 'DEPRECATE', reason: 'x' });
    const res = await maintainer.event(deprecated, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '1.0.1',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'community.deprecated', dockerImageTag: '1.0.1' });

    const custom = await register({ supportLevel: 'custom' });
    const res2 = await owner.event(custom, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.0.1' });
    expect(res2.status).toBe(200);
    expect(res2.body).toMatchObject({ state: 'custom.active', dockerImageTag: '1.0.1' });
  });

  test('a community connector may break with no notice (date-only deadline = 00:00 UTC)', async () => {
    const id = await register();
    const today = dateInDays(0);
    const res = await maintainer.event(id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      breakingChange: {
        message: 'renamed streams',
        upgradeDeadline: today,
        migrationDocumentationUrl: 'https://docs.example.com/migrate',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.breakingChanges).toEqual({
      '2.0.0': {
        message: 'renamed streams',
        upgradeDeadline: `${today}T00:00:00.000Z`,
        migrationDocumentationUrl: 'https://docs.example.com/migrate',
      },
    });
  });

  test('REQUEST_CERTIFICATION: 202 while the gate runs, then certified.active', async () => {
    const id = await register();
    const res = await maintainer.event(id, { type: 'REQUEST_CERTIFICATION' });
    expect(res.status).toBe(202);
    expect(res.headers.get('etag')).toBe('"v2"');
    expect(res.body).toMatchObject({
      state: 'community.certifying',
      version: 2,
      allowedEvents: [],
    });
    await waitForState(id, 'certified.active');
    const now = await svc.api.get(`/v1/connectors/${id}`);
    expect(now.body).toMatchObject({ supportLevel: 'certified', status: 'active', version: 3 });
    expect([...now.body.allowedEvents].sort()).toEqual(['DEMOTE', 'DEPRECATE', 'PUBLISH_RELEASE']);
    expect(await lastHistory(id)).toMatchObject({
      type: 'ACCEPTANCE_PASSED',
      actor: 'system',
      from: 'community.certifying',
      to: 'certified.active',
    });
  });

  test('REQUEST_CERTIFICATION with failing acceptance tests goes back to community.active', async () => {
    const id = await register({ dockerImageTag: '1.0.0-fail' });
    expect((await maintainer.event(id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    await waitFor(async () => (await lastHistory(id)).type === 'ACCEPTANCE_FAILED', {
      what: 'the failed run',
    });
    expect(await stateOf(id)).toBe('community.active');
  });

  test('DEMOTE a certified connector', async () => {
    const id = await certified();
    const res = await maintainer.event(id, { type: 'DEMOTE', reason: 'unmaintained' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'community.active', version: 4 });
  });

  test('DEPRECATE a certified connector with 90 days, or the default notice', async () => {
    const id = await certified();
    const res = await maintainer.event(id, { type: 'DEPRECATE', reason: 'eol', noticeDays: 90 });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('certified.deprecated');
    expect(Date.parse(res.body.deprecation.archiveAt as string)).toBeGreaterThanOrEqual(
      Date.now() + 90 * DAY_MS - 5000,
    );
    expect([...res.body.allowedEvents].sort()).toEqual(['CANCEL_DEPRECATION', 'PUBLISH_RELEASE']);

    const other = await certified();
    const res2 = await maintainer.event(other, { type: 'DEPRECATE', reason: 'eol' });
    expect(res2.status).toBe(200);
    expect(Date.parse(res2.body.deprecation.archiveAt as string)).toBeGreaterThanOrEqual(
      Date.now() + 90 * DAY_MS - 5000,
    );
    const cancelled = await maintainer.event(other, { type: 'CANCEL_DEPRECATION' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'certified.active', deprecation: null });
  });

  test('a certified breaking change with a long enough window (date-only or full timestamp)', async () => {
    const source = await certified();
    const res = await maintainer.event(source, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      breakingChange: {
        message: 'new auth',
        upgradeDeadline: dateInDays(8),
        migrationDocumentationUrl: 'https://docs.example.com/m',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.breakingChanges['2.0.0'].upgradeDeadline).toBe(
      `${dateInDays(8)}T00:00:00.000Z`,
    );

    const deadline = new Date(Date.now() + 10 * DAY_MS).toISOString();
    const res2 = await maintainer.event(source, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '3.0.0',
      breakingChange: {
        message: 'again',
        upgradeDeadline: deadline,
        migrationDocumentationUrl: 'http://docs.example.com/m2',
      },
    });
    expect(res2.status).toBe(200);
    expect(res2.body.breakingChanges['3.0.0'].upgradeDeadline).toBe(deadline);
    expect(Object.keys(res2.body.breakingChanges as object).sort()).toEqual(['2.0.0', '3.0.0']);

    const destination = await certified({ type: 'destination' });
    const res3 = await maintainer.event(destination, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      breakingChange: {
        message: 'new schema',
        upgradeDeadline: dateInDays(31),
        migrationDocumentationUrl: 'https://docs.example.com/d',
      },
    });
    expect(res3.status).toBe(200);
  });

  test('CONTRIBUTE a custom connector: 202, then community.active', async () => {
    const id = await register({ supportLevel: 'custom' });
    const res = await owner.event(id, { type: 'CONTRIBUTE' });
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('custom.contributing');
    await waitForState(id, 'community.active');
  });

  test('un-archiving: REQUEST_UNARCHIVE (202) → review → APPROVE_UNARCHIVE', async () => {
    const id = await archived();
    const res = await stranger.event(id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'I use it and will maintain it',
      dockerImageTag: '1.2.0',
      cdkVersion: '6.0.0',
    });
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('archived.unarchiveTesting');
    await waitForState(id, 'archived.unarchiveReview');
    const review = await svc.api.get(`/v1/connectors/${id}`);
    expect([...review.body.allowedEvents].sort()).toEqual([
      'APPROVE_UNARCHIVE',
      'REJECT_UNARCHIVE',
    ]);

    const approved = await maintainer.event(id, { type: 'APPROVE_UNARCHIVE', reason: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('community.active');
    expect(approved.body.maintainers).toEqual(expect.arrayContaining([OWNER, STRANGER]));
    expect(approved.body.dockerImageTag).toBe('1.2.0');
  });

  test('un-archiving rejected: REJECT_UNARCHIVE → archived.idle', async () => {
    const id = await archived();
    const res = await owner.event(id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'please',
      dockerImageTag: '1.2.0',
      cdkVersion: '6.0.0',
    });
    expect(res.status).toBe(202);
    await waitForState(id, 'archived.unarchiveReview');
    const rejected = await maintainer.event(id, { type: 'REJECT_UNARCHIVE', reason: 'no' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      state: 'archived.idle',
      allowedEvents: ['REQUEST_UNARCHIVE'],
    });
  });
});

describe('409: the event is not allowed in the current state', () => {
  async function expectNotAllowed(api: ApiClient, id: string, event: Record<string, unknown>) {
    const before = await mark(svc.api, id);
    const current = await svc.api.get(`/v1/connectors/${id}`);
    const res = await api.event(id, event);
    const problem = expectProblem(res, 409);
    expect(problem.state).toBe(current.body.state);
    expect([...problem.allowedEvents].sort()).toEqual([...current.body.allowedEvents].sort());
    await expectUnchanged(svc.api, id, before);
  }

  test('on a community.active connector', async () => {
    const id = await register();
    await expectNotAllowed(maintainer, id, { type: 'DEMOTE', reason: 'x' });
    await expectNotAllowed(maintainer, id, { type: 'CANCEL_DEPRECATION' });
    await expectNotAllowed(maintainer, id, { type: 'APPROVE_UNARCHIVE' });
    await expectNotAllowed(maintainer, id, { type: 'REJECT_UNARCHIVE', reason: 'x' });
    await expectNotAllowed(maintainer, id, { type: 'CONTRIBUTE' });
    await expectNotAllowed(stranger, id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'x',
      dockerImageTag: '1.1.0',
      cdkVersion: '6.0.0',
    });
  });

  test('a certified connector must be deprecated before it is archived', async () => {
    const id = await certified();
    await expectNotAllowed(maintainer, id, { type: 'ARCHIVE', reason: 'x' });
    await expectNotAllowed(maintainer, id, { type: 'REQUEST_CERTIFICATION' });
    expect((await maintainer.event(id, { type: 'DEPRECATE', reason: 'eol' })).status).toBe(200);
    await expectNotAllowed(maintainer, id, { type: 'ARCHIVE', reason: 'x' });
    await expectNotAllowed(maintainer, id, { type: 'DEMOTE', reason: 'x' });
  });

  test('an archived connector takes no release', async () => {
    const id = await archived();
    await expectNotAllowed(maintainer, id, { type: 'PUBLISH_RELEASE', dockerImageTag: '9.0.0' });
    await expectNotAllowed(maintainer, id, { type: 'ARCHIVE', reason: 'again' });
    await expectNotAllowed(maintainer, id, { type: 'DEPRECATE', reason: 'x' });
  });

  test('a custom connector cannot be certified, deprecated or archived directly', async () => {
    const id = await register({ supportLevel: 'custom' });
    await expectNotAllowed(maintainer, id, { type: 'REQUEST_CERTIFICATION' });
    await expectNotAllowed(maintainer, id, { type: 'DEPRECATE', reason: 'x' });
    await expectNotAllowed(maintainer, id, { type: 'ARCHIVE', reason: 'x' });
  });
});

describe('422: a policy blocked the event', () => {
  async function expectBlocked(id: string, event: Record<string, unknown>, code: string) {
    const before = await mark(svc.api, id);
    const res = await maintainer.event(id, event);
    const problem = expectProblem(res, 422);
    expect(problem.code).toBe(code);
    await expectUnchanged(svc.api, id, before);
    return problem;
  }

  test('a certified DEPRECATE with less than 90 days of notice', async () => {
    const id = await certified();
    await expectBlocked(id, { type: 'DEPRECATE', reason: 'x', noticeDays: 30 }, 'NOTICE_TOO_SHORT');
    await expectBlocked(id, { type: 'DEPRECATE', reason: 'x', noticeDays: 0 }, 'NOTICE_TOO_SHORT');
    await expectBlocked(
      id,
      { type: 'DEPRECATE', reason: 'x', noticeDays: 89.5 },
      'NOTICE_TOO_SHORT',
    );
  });

  test('PUBLISH_RELEASE with a tag that is not greater', async () => {
    const id = await register({ dockerImageTag: '1.2.3' });
    for (const dockerImageTag of ['1.2.3', '1.2.2', '0.9.0', '1.2.3-rc.1']) {
      await expectBlocked(id, { type: 'PUBLISH_RELEASE', dockerImageTag }, 'VERSION_NOT_GREATER');
    }
  });

  test('PUBLISH_RELEASE with a tag that is not semver is refused', async () => {
    const id = await register();
    for (const dockerImageTag of ['latest', '2.0', 'dev-build']) {
      const before = await mark(svc.api, id);
      const res = await maintainer.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag });
      expect([400, 422]).toContain(res.status);
      expectProblem(res, res.status);
      await expectUnchanged(svc.api, id, before);
    }
  });

  test('a certified breaking change with a too-short upgrade window', async () => {
    const source = await certified();
    const change = (upgradeDeadline: string) => ({
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      breakingChange: {
        message: 'breaks',
        upgradeDeadline,
        migrationDocumentationUrl: 'https://docs.example.com/m',
      },
    });
    await expectBlocked(source, change(dateInDays(3)), 'UPGRADE_WINDOW_TOO_SHORT');
    await expectBlocked(source, change(dateInDays(-1)), 'UPGRADE_WINDOW_TOO_SHORT');
    await expectBlocked(
      source,
      change(new Date(Date.now() + 6 * DAY_MS).toISOString()),
      'UPGRADE_WINDOW_TOO_SHORT',
    );
    const destination = await certified({ type: 'destination' });
    await expectBlocked(destination, change(dateInDays(20)), 'UPGRADE_WINDOW_TOO_SHORT');
  });

  test('REQUEST_UNARCHIVE with an outdated CDK', async () => {
    const id = await archived();
    const before = await mark(svc.api, id);
    const res = await stranger.event(id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'please',
      dockerImageTag: '1.1.0',
      cdkVersion: '5.9.9',
    });
    expect(expectProblem(res, 422).code).toBe('CDK_OUTDATED');
    await expectUnchanged(svc.api, id, before);
  });
});

describe('400: bad event input', () => {
  let id: string;
  let certifiedId: string;
  beforeAll(async () => {
    id = await register();
    certifiedId = await certified();
  });

  async function expectInvalid(target: string, event: unknown, path?: string) {
    const before = await mark(svc.api, target);
    const res = await maintainer.post(`/v1/connectors/${target}/events`, event);
    if (path) expect(errorPaths(res)).toContain(path);
    else expectProblem(res, 400);
    await expectUnchanged(svc.api, target, before);
  }

  test('an unknown or missing event type', async () => {
    await expectInvalid(id, { type: 'FOO' }, 'body.type');
    await expectInvalid(id, { type: 'deprecate', reason: 'x' }, 'body.type');
    await expectInvalid(id, { reason: 'x' }, 'body.type');
    await expectInvalid(id, { type: 42 }, 'body.type');
  });

  test('internal event types are never accepted from the API', async () => {
    const gated = await register();
    await expectInvalid(gated, { type: 'ACCEPTANCE_PASSED', runId: 'run-x' }, 'body.type');
    await expectInvalid(
      gated,
      { type: 'ACCEPTANCE_FAILED', runId: 'run-x', outcome: 'failed' },
      'body.type',
    );
    const deprecated = await register();
    await maintainer.event(deprecated, { type: 'DEPRECATE', reason: 'x' });
    await expectInvalid(
      deprecated,
      { type: 'ARCHIVE_DUE', archiveAt: new Date().toISOString(), usageRecovered: false },
      'body.type',
    );
    expect(await stateOf(deprecated)).toBe('community.deprecated');
  });

  test('a missing or empty reason', async () => {
    await expectInvalid(certifiedId, { type: 'DEMOTE' }, 'body.reason');
    await expectInvalid(certifiedId, { type: 'DEMOTE', reason: '   ' }, 'body.reason');
    await expectInvalid(id, { type: 'ARCHIVE' }, 'body.reason');
    await expectInvalid(id, { type: 'DEPRECATE' }, 'body.reason');
    await expectInvalid(id, { type: 'DEPRECATE', reason: 12 }, 'body.reason');
  });

  test('extra fields (a caller cannot pose as the automated sweep)', async () => {
    await expectInvalid(id, { type: 'DEPRECATE', reason: 'x', automated: true });
    await expectInvalid(id, { type: 'ARCHIVE', reason: 'x', force: true });
    await expectInvalid(id, { type: 'REQUEST_CERTIFICATION', runId: 'mine' });
    await expectInvalid(id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '3.0.0',
      breakingChange: {
        message: 'm',
        upgradeDeadline: dateInDays(40),
        migrationDocumentationUrl: 'https://x.example.com',
        extra: 1,
      },
    });
  });

  test('bad DEPRECATE values', async () => {
    await expectInvalid(id, { type: 'DEPRECATE', reason: 'x', noticeDays: -1 }, 'body.noticeDays');
    await expectInvalid(
      id,
      { type: 'DEPRECATE', reason: 'x', noticeDays: '30' },
      'body.noticeDays',
    );
    await expectInvalid(
      id,
      { type: 'DEPRECATE', reason: 'x', replacement: 'Not An Id' },
      'body.replacement',
    );
  });

  test('bad PUBLISH_RELEASE values', async () => {
    await expectInvalid(id, { type: 'PUBLISH_RELEASE' }, 'body.dockerImageTag');
    const change = (breakingChange: Record<string, unknown>) => ({
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '5.0.0',
      breakingChange: {
        message: 'm',
        upgradeDeadline: dateInDays(40),
        migrationDocumentationUrl: 'https://docs.example.com/m',
        ...breakingChange,
      },
    });
    await expectInvalid(
      id,
      change({ migrationDocumentationUrl: 'ftp://docs.example.com/m' }),
      'body.breakingChange.migrationDocumentationUrl',
    );
    await expectInvalid(
      id,
      change({ upgradeDeadline: 'next week' }),
      'body.breakingChange.upgradeDeadline',
    );
    await expectInvalid(id, change({ message: '' }), 'body.breakingChange.message');
  });

  test('an impossible calendar date as upgradeDeadline is refused, not rolled over', async () => {
    // 2030-02-30 does not exist; it must not silently become 2030-03-02.
    for (const upgradeDeadline of ['2030-02-30', '2030-04-31', '2030-02-29T10:00:00Z']) {
      await expectInvalid(
        id,
        {
          type: 'PUBLISH_RELEASE',
          dockerImageTag: '5.0.0',
          breakingChange: {
            message: 'm',
            upgradeDeadline,
            migrationDocumentationUrl: 'https://docs.example.com/m',
          },
        },
        'body.breakingChange.upgradeDeadline',
      );
    }
  });

  test('a body that is not an object', async () => {
    await expectInvalid(id, []);
    await expectInvalid(id, 'null');
    await expectInvalid(id, '"DEPRECATE"');
  });

  test('bad REQUEST_UNARCHIVE input', async () => {
    const gone = await archived();
    const before = await mark(svc.api, gone);
    const res = await stranger.event(gone, { type: 'REQUEST_UNARCHIVE', dockerImageTag: '1.1.0' });
    expect(errorPaths(res)).toEqual(
      expect.arrayContaining(['body.justification', 'body.cdkVersion']),
    );
    await expectUnchanged(svc.api, gone, before);
  });
});

describe('403: role or ownership', () => {
  async function expectForbidden(api: ApiClient, id: string, event: Record<string, unknown>) {
    const before = await mark(svc.api, id);
    expectProblem(await api.event(id, event), 403);
    await expectUnchanged(svc.api, id, before);
  }

  test('a reader may send no event', async () => {
    const id = await certified();
    await expectForbidden(reader, id, { type: 'DEMOTE', reason: 'x' });
    await expectForbidden(reader, id, { type: 'DEMOTE' }); // 403 before the payload is examined
    await expectForbidden(reader, id, { type: 'DEPRECATE', reason: 'x', noticeDays: 100 });
    await expectForbidden(reader, id, { type: 'PUBLISH_RELEASE', dockerImageTag: '9.0.0' });
    const gone = await archived();
    await expectForbidden(reader, gone, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'x',
      dockerImageTag: '1.1.0',
      cdkVersion: '6.0.0',
    });
  });

  test('PUBLISH_RELEASE: a listed maintainer may, another contributor may not', async () => {
    const id = await register();
    await expectForbidden(stranger, id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' });
    const res = await owner.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' });
    expect(res.status).toBe(200);
    expect(res.body.dockerImageTag).toBe('1.1.0');
    expect(await lastHistory(id)).toMatchObject({ type: 'PUBLISH_RELEASE', actor: OWNER });
  });

  test('CONTRIBUTE: a listed maintainer may, another contributor may not', async () => {
    const id = await register({ supportLevel: 'custom' });
    await expectForbidden(stranger, id, { type: 'CONTRIBUTE' });
    expect((await owner.event(id, { type: 'CONTRIBUTE' })).status).toBe(202);
  });

  test('a listed contributor still needs the maintainer role for other events', async () => {
    const id = await register();
    await expectForbidden(owner, id, { type: 'DEPRECATE', reason: 'x' });
    await expectForbidden(owner, id, { type: 'ARCHIVE', reason: 'x' });
    await expectForbidden(owner, id, { type: 'REQUEST_CERTIFICATION' });
  });

  test('a contributor may not approve an un-archiving', async () => {
    const id = await archived();
    expect(
      (
        await owner.event(id, {
          type: 'REQUEST_UNARCHIVE',
          justification: 'mine',
          dockerImageTag: '1.1.0',
          cdkVersion: '6.0.0',
        })
      ).status,
    ).toBe(202);
    await waitForState(id, 'archived.unarchiveReview');
    await expectForbidden(owner, id, { type: 'APPROVE_UNARCHIVE' });
    await expectForbidden(owner, id, { type: 'REJECT_UNARCHIVE', reason: 'x' });
  });

  test('401 without a token', async () => {
    const id = await register();
    const before = await mark(svc.api, id);
    expectProblem(await svc.as(null).event(id, { type: 'ARCHIVE', reason: 'x' }), 401);
    await expectUnchanged(svc.api, id, before);
  });
});

describe('404', () => {
  test('an unknown connector', async () => {
    const res = await maintainer.event('source-nobody-here', { type: 'ARCHIVE', reason: 'x' });
    expectProblem(res, 404);
    expectProblem(await svc.api.get('/v1/connectors/source-nobody-here'), 404);
  });
});

describe('If-Match', () => {
  test('a stale ETag → 412 and nothing changes; the current one → 200', async () => {
    const id = await register();
    expect(
      (await maintainer.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' })).status,
    ).toBe(200);
    const before = await mark(svc.api, id);
    expect(before.etag).toBe('"v2"');

    const stale = await maintainer.event(
      id,
      { type: 'DEPRECATE', reason: 'x' },
      { 'if-match': '"v1"' },
    );
    expectProblem(stale, 412);
    await expectUnchanged(svc.api, id, before);

    const ahead = await maintainer.event(
      id,
      { type: 'DEPRECATE', reason: 'x' },
      { 'if-match': '"v3"' },
    );
    expectProblem(ahead, 412);
    await expectUnchanged(svc.api, id, before);

    const garbage = await maintainer.event(
      id,
      { type: 'DEPRECATE', reason: 'x' },
      { 'if-match': 'nonsense' },
    );
    expectProblem(garbage, 412);
    await expectUnchanged(svc.api, id, before);

    const ok = await maintainer.event(
      id,
      { type: 'DEPRECATE', reason: 'x' },
      { 'if-match': before.etag! },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"v3"');
    expect(ok.body.state).toBe('community.deprecated');
  });

  test('concurrent changes with the same If-Match: exactly one wins', async () => {
    const id = await register();
    const before = await mark(svc.api, id);
    const results = await Promise.all(
      ['2.0.0', '3.0.0', '4.0.0', '5.0.0', '6.0.0'].map((dockerImageTag) =>
        maintainer.event(
          id,
          { type: 'PUBLISH_RELEASE', dockerImageTag },
          { 'if-match': before.etag! },
        ),
      ),
    );
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.status !== 200)) {
      expect([409, 412]).toContain(lost.status);
      expectProblem(lost, lost.status);
    }
    const after = await mark(svc.api, id);
    expect(after.version).toBe(before.version + 1);
    expect(after.historyLength).toBe(before.historyLength + 1);
    expect((await svc.api.get(`/v1/connectors/${id}`)).body.dockerImageTag).toBe(
      won[0]!.body.dockerImageTag,
    );
  });
});

describe('while acceptance tests run (no worker picks the gate up)', () => {
  let apiOnly: TestService;
  beforeAll(async () => {
    apiOnly = await startTestService({
      roles: ['api'],
      env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT },
    });
  });
  afterAll(async () => {
    await apiOnly?.cleanup();
  });

  test('events other than the result are refused with 409', async () => {
    const reg = await apiOnly.api.post('/v1/connectors', registration());
    const id = reg.body.id as string;
    const gate = await apiOnly.api.event(id, { type: 'REQUEST_CERTIFICATION' });
    expect(gate.status).toBe(202);
    const before = await mark(apiOnly.api, id);
    expect(before.state).toBe('community.certifying');
    for (const event of [
      { type: 'PUBLISH_RELEASE', dockerImageTag: '2.0.0' },
      { type: 'REQUEST_CERTIFICATION' },
      { type: 'DEPRECATE', reason: 'x' },
      { type: 'ARCHIVE', reason: 'x' },
    ]) {
      const res = await apiOnly.api.event(id, event);
      const problem = expectProblem(res, 409);
      expect(problem.state).toBe('community.certifying');
      expect(problem.allowedEvents).toEqual([]);
    }
    await expectUnchanged(apiOnly.api, id, before);
  });
});
