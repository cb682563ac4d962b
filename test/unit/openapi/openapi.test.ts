/** The OpenAPI 3.1 document (GET /openapi.json): complete, valid, true to the schemas and the routes. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../../machines/connector-events.js';
import { describeMachine } from '../../../machines/connector-lifecycle.js';
import { NOTIFICATION_TYPES } from '../../../machines/notification-types.js';
import type { AppServices } from '../../../src/app-services.js';
import { newSweepRecord } from '../../../src/archival/sweep-store.js';
import { ROLES } from '../../../src/auth/roles.js';
import { importBody } from '../../../src/airbyte/import-body.js';
import { toRegistry } from '../../../src/airbyte/registry-export.js';
import { DEFAULT_SUPPORT_LEVELS } from '../../../src/airbyte/support-levels.js';
import { exportSourceOfEntry, toCatalogEntry } from '../../../src/catalog/catalog-entry.js';
import { bodyLimitFor, formatBodyLimit } from '../../../src/http/body-limits.js';
import { connectorView } from '../../../src/http/connector-view.js';
import { REQUEST_EXAMPLES } from '../../../src/http/contract/index.js';
import { ApiReference } from '../../../src/http/openapi.js';
import { referenceRoutes } from '../../../src/http/routes/reference-routes.js';
import { tokenRoutes } from '../../../src/http/routes/token-routes.js';
import * as requestSchemas from '../../../src/http/schemas.js';
import type { StoredConnector } from '../../../src/store/records.js';
import {
  SchemaValidator,
  documentedOperations,
  expressRoutes,
  startReferenceApp,
  type ReferenceApp,
} from '../../support/api-contract.js';
import { baseContext, newLifecycle } from '../machine/fixtures.js';

type Obj = Record<string, any>;

let service: ReferenceApp;
let doc: Obj;
let schemas: Obj;
let validator: SchemaValidator;

beforeAll(async () => {
  service = await startReferenceApp();
  const res = await fetch(`${service.base}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Obj;
  schemas = doc.components.schemas as Obj;
  validator = new SchemaValidator(doc);
});

afterAll(async () => {
  await service?.close();
});

const operations = () => documentedOperations(doc);

function resolve(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  let node: any = doc;
  for (const key of ref.slice(2).split('/')) {
    node = node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
const deref = (value: any): Obj => (value?.$ref ? deref(resolve(value.$ref)) : value);

/** A reference with a few routes of its own (stub services: nothing is called). */
function smallReference(): ApiReference {
  const reference = new ApiReference();
  reference.mount(Router(), '', referenceRoutes(reference));
  reference.mount(Router(), '/v1', tokenRoutes({} as AppServices));
  return reference;
}

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with info, servers, tags, paths and bearer security', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.tags.map((t: Obj) => t.name)).toEqual([
      'tokens',
      'connectors',
      'catalog',
      'notifications',
      'archival',
      'airbyte',
      'operations',
    ]);
    expect(smallReference().document({ serverUrl: 'https://lifecycle.internal' }).servers).toEqual([
      { url: 'https://lifecycle.internal' },
    ]);
  });

  it('is valid by the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // and the validator is not blind: a broken document is refused
    const broken = structuredClone(doc);
    broken.paths['/v1/catalog'].get.parameters.push({ name: 'x', schema: { type: 'string' } });
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('is plain JSON: no undefined, no functions, and JSON round-trips', () => {
    const check = (value: unknown, path: string): void => {
      expect(['string', 'number', 'boolean', 'object'], path).toContain(typeof value);
      if (typeof value === 'number') expect(Number.isFinite(value), path).toBe(true);
      if (value && typeof value === 'object') {
        if (!Array.isArray(value)) {
          expect(Object.getPrototypeOf(value), path).toBe(Object.prototype);
        }
        for (const [k, v] of Object.entries(value)) check(v, `${path}.${k}`);
      }
    };
    check(doc, '$');
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('returns a fresh copy on every call', () => {
    const reference = smallReference();
    const first = reference.document() as Obj;
    first.paths['/v1/tokens'].post.summary = 'changed';
    delete first.components.schemas.Token;
    const second = reference.document() as Obj;
    expect(second.paths['/v1/tokens'].post.summary).not.toBe('changed');
    expect(second.components.schemas.Token).toBeDefined();
  });

  it('converted every zod schema (no component is empty)', () => {
    for (const [name, schema] of Object.entries(schemas)) {
      expect(Object.keys(schema as Obj), name).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(type|\$ref|anyOf|oneOf|allOf)$/)]),
      );
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') refs.push(v as string);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) expect(resolve(ref), ref).toBeDefined();
    for (const target of Object.values(schemas.EventRequest.discriminator.mapping)) {
      expect(resolve(target as string)).toBeDefined();
    }
  });
});

describe('routes', () => {
  it('documents exactly the routes Express serves, with their methods, and no other', () => {
    const served = expressRoutes(service.app).sort();
    const documented = operations()
      .map((o) => o.route)
      .sort();
    expect(served.length).toBeGreaterThan(15);
    expect(documented).toEqual(served);
    expect(new Set(served).size).toBe(served.length);
  });

  it('names who may call each operation (x-access), as the route enforces it', () => {
    for (const { route, access } of operations()) {
      expect(['public', 'role', 'owner', 'event'], route).toContain(access?.kind);
      if (access.kind === 'role') expect(ROLES, route).toContain(access.role);
    }
    const byRoute = Object.fromEntries(operations().map((o) => [o.route, o.access]));
    expect(byRoute['POST /v1/tokens']).toEqual({ kind: 'role', role: 'admin' });
    expect(byRoute['POST /v1/connectors/:id/events']).toEqual({ kind: 'event' });
    expect(byRoute['DELETE /v1/subscriptions/:id']).toEqual({ kind: 'owner' });
    expect(byRoute['GET /v1/catalog']).toEqual({ kind: 'public' });
  });

  it('gives every operation a tag, an id, a summary, a description and its security', () => {
    const tags = doc.tags.map((t: Obj) => t.name);
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const name = `${method} ${path}`;
      expect(op.tags, name).toHaveLength(1);
      expect(tags, name).toContain(op.tags[0]);
      expect(op.summary, name).toBeTruthy();
      expect(op.description, name).toMatch(/Who may call it/);
      expect(ids.has(op.operationId), name).toBe(false);
      ids.add(op.operationId);
      if (op['x-access'].kind === 'public') expect(op.security, name).toEqual([]);
      else expect(op.security, name).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('gives every operation a 2xx response', () => {
    for (const { path, method, op } of operations()) {
      expect(
        Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
        `${method} ${path}`,
      ).toBe(true);
    }
  });

  it('documents the errors each operation can give, as problem+json', () => {
    for (const { path, method, op } of operations()) {
      const name = `${method} ${path}`;
      const statuses = Object.keys(op.responses);
      if (path.startsWith('/v1/')) {
        expect(statuses, name).toEqual(expect.arrayContaining(['401', '429', 'default']));
        expect(Object.keys(op.responses['429'].headers), name).toContain('Retry-After');
      }
      if (op['x-access'].kind !== 'public') {
        expect(op.responses['401'].headers['WWW-Authenticate'], name).toBeDefined();
      }
      if (method === 'post') {
        expect(statuses, name).toEqual(expect.arrayContaining(['400', '409', '413', '415', '422']));
        const headers = op.parameters.map((p: Obj) => deref(p).name);
        expect(headers, name).toContain('Idempotency-Key');
      }
      if (path.includes('{id}')) expect(statuses, name).toContain('404');
      for (const [status, response] of Object.entries(op.responses as Obj)) {
        if (status === 'default' || Number(status) >= 400) {
          expect(response.content, `${name} ${status}`).toEqual({
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          });
          expect(response.description, `${name} ${status}`).toBeTruthy();
        }
      }
    }
    const byRole = (path: string, method: string) => doc.paths[path][method].responses;
    expect(Object.keys(byRole('/v1/tokens', 'post'))).toContain('403');
    expect(Object.keys(byRole('/v1/connectors', 'post'))).toEqual(
      expect.arrayContaining(['201', '403', '409']),
    );
    expect(Object.keys(byRole('/v1/connectors/{id}/events', 'post'))).toEqual(
      expect.arrayContaining(['200', '202', '403', '404', '409', '412', '422']),
    );
    expect(byRole('/v1/connectors/{id}/events', 'post')['409'].description).toMatch(
      /EVENT_NOT_ALLOWED[\s\S]*CONCURRENT_CHANGE/,
    );
    expect(Object.keys(byRole('/v1/subscriptions/{id}', 'delete'))).toEqual(
      expect.arrayContaining(['204', '403', '404']),
    );
    expect(Object.keys(byRole('/v1/usage', 'post'))).toContain('403');
    expect(byRole('/v1/usage', 'post')['413'].description).toContain(
      formatBodyLimit(bodyLimitFor('/v1/usage')),
    );
    expect(byRole('/v1/usage', 'post')['413'].description).toMatch(/8 MB/);
    expect(byRole('/v1/tokens', 'post')['413'].description).toMatch(/1 MB/);
    expect(Object.keys(byRole('/v1/archival-sweeps', 'post'))).toContain('202');
    expect(Object.keys(byRole('/v1/connectors/{id}', 'get'))).toContain('304');
    expect(Object.keys(byRole('/v1/catalog', 'get'))).toContain('304');
    expect(Object.keys(byRole('/readyz', 'get'))).toEqual(['200', '429', '503']);
    expect(byRole('/metrics', 'get')['200'].content).toHaveProperty(['text/plain']);
    expect(byRole('/docs', 'get')['200'].content).toHaveProperty(['text/html']);
  });

  it('documents ETag, Location, If-Match and If-None-Match', () => {
    const events = doc.paths['/v1/connectors/{id}/events'].post;
    expect(events.parameters.map((p: Obj) => deref(p).name)).toEqual(
      expect.arrayContaining(['id', 'If-Match', 'Idempotency-Key']),
    );
    expect(events.responses['200'].headers).toHaveProperty('ETag');
    expect(doc.paths['/v1/connectors'].post.responses['201'].headers).toHaveProperty('Location');
    const get = doc.paths['/v1/connectors/{id}'].get;
    expect(get.parameters.map((p: Obj) => deref(p).name)).toContain('If-None-Match');
  });
});

describe('request schemas (from src/http/schemas.ts)', () => {
  const bodySchema = (path: string) =>
    doc.paths[path].post.requestBody.content['application/json'].schema;

  it('uses one request schema per body, with the documented examples', () => {
    expect(bodySchema('/v1/tokens')).toEqual({ $ref: '#/components/schemas/TokenRequest' });
    expect(bodySchema('/v1/connectors')).toEqual({
      $ref: '#/components/schemas/RegistrationRequest',
    });
    expect(bodySchema('/v1/connectors/{id}/events')).toEqual({
      $ref: '#/components/schemas/EventRequest',
    });
    expect(bodySchema('/v1/subscriptions')).toEqual({
      $ref: '#/components/schemas/SubscriptionRequest',
    });
    expect(bodySchema('/v1/usage')).toEqual({ $ref: '#/components/schemas/UsageRequest' });
    expect(bodySchema('/v1/archival-sweeps')).toEqual({
      $ref: '#/components/schemas/SweepRequest',
    });
    expect(doc.paths['/v1/archival-sweeps'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v1/connectors'].post.requestBody.required).toBe(true);
  });

  it('has every example accepted by both the zod schema and the documented JSON Schema', () => {
    const cases: [unknown, { safeParse(v: unknown): { success: boolean } }, string][] = [
      [REQUEST_EXAMPLES.TokenRequest, requestSchemas.tokenBody, 'TokenRequest'],
      [
        REQUEST_EXAMPLES.RegistrationRequest,
        requestSchemas.registrationBody,
        'RegistrationRequest',
      ],
      [
        REQUEST_EXAMPLES.SubscriptionRequest,
        requestSchemas.subscriptionBody,
        'SubscriptionRequest',
      ],
      [REQUEST_EXAMPLES.UsageRequest, requestSchemas.usageBody, 'UsageRequest'],
      [REQUEST_EXAMPLES.UsageRequest.entries[0], requestSchemas.usageEntry, 'UsageEntry'],
      [REQUEST_EXAMPLES.SweepRequest, requestSchemas.sweepBody, 'SweepRequest'],
      [REQUEST_EXAMPLES.ImportRequest, importBody, 'ImportRequest'],
      ...API_EVENT_TYPES.map(
        (t) =>
          [REQUEST_EXAMPLES.events[t], requestSchemas.eventBody, 'EventRequest'] as [
            unknown,
            any,
            string,
          ],
      ),
    ];
    for (const [example, zod, name] of cases) {
      expect(zod.safeParse(example).success, name).toBe(true);
      expect(validator.errors(name, example), name).toEqual([]);
    }
    // and the examples shown are those
    for (const { op } of operations().filter((o) => o.op.requestBody)) {
      for (const example of Object.values(
        op.requestBody.content['application/json'].examples as Obj,
      )) {
        const schema = op.requestBody.content['application/json'].schema;
        expect(validator.errors(schema, example.value)).toEqual([]);
      }
    }
  });

  it('refuses what the zod schemas refuse', () => {
    const bad: [string, unknown][] = [
      ['TokenRequest', { subject: 'alice', role: 'owner' }],
      ['TokenRequest', { subject: 'alice', role: 'reader', extra: 1 }],
      ['RegistrationRequest', { ...REQUEST_EXAMPLES.RegistrationRequest, maintainers: [] }],
      ['RegistrationRequest', { ...REQUEST_EXAMPLES.RegistrationRequest, id: 'Faker' }],
      ['EventRequest', { type: 'ARCHIVE_DUE' }],
      ['EventRequest', { type: 'DEMOTE' }],
      ['EventRequest', { type: 'DEPRECATE', reason: 'x', noticeDays: -1 }],
      ['EventRequest', { type: 'CONTRIBUTE', reason: 'unknown field' }],
      ['SubscriptionRequest', { url: 'https://x.example', secret: 's', events: ['nope'] }],
      ['UsageRequest', { entries: [] }],
      [
        'UsageEntry',
        { connectorId: 'source-a', date: '2025-01-01', activeConnections: -1, syncs: 0 },
      ],
      ['SweepRequest', { dryRun: 'yes' }],
    ];
    for (const [name, value] of bad) {
      expect(validator.errors(name, value), `${name} ${JSON.stringify(value)}`).not.toEqual([]);
      // … as zod does
      const zod = {
        TokenRequest: requestSchemas.tokenBody,
        RegistrationRequest: requestSchemas.registrationBody,
        EventRequest: requestSchemas.eventBody,
        SubscriptionRequest: requestSchemas.subscriptionBody,
        UsageRequest: requestSchemas.usageBody,
        UsageEntry: requestSchemas.usageEntry,
        SweepRequest: requestSchemas.sweepBody,
      }[name]!;
      expect(zod.safeParse(value).success, `${name} ${JSON.stringify(value)}`).toBe(false);
    }
  });

  it('describes every event type as a oneOf with a discriminator on type', () => {
    const events = schemas.EventRequest;
    expect(events.oneOf).toHaveLength(API_EVENT_TYPES.length);
    expect(events.discriminator.propertyName).toBe('type');
    expect(Object.keys(events.discriminator.mapping)).toEqual([...API_EVENT_TYPES]);
    for (const type of API_EVENT_TYPES) {
      const schema = deref({ $ref: events.discriminator.mapping[type] });
      expect(schema.properties.type).toMatchObject({ type: 'string', enum: [type] });
      expect(schema.additionalProperties).toBe(false);
      expect(schema.description).toMatch(/Who may send it/);
    }
    const byType = (t: string) => deref({ $ref: events.discriminator.mapping[t] });
    expect(byType('DEPRECATE').properties.noticeDays).toMatchObject({ minimum: 0, maximum: 3650 });
    expect(byType('DEPRECATE').required).toEqual(['type', 'reason']);
    expect(byType('PUBLISH_RELEASE').properties.breakingChange.required).toEqual([
      'message',
      'upgradeDeadline',
      'migrationDocumentationUrl',
    ]);
    expect(byType('REQUEST_UNARCHIVE').required).toEqual(
      expect.arrayContaining(['justification', 'dockerImageTag', 'cdkVersion']),
    );
    expect(byType('CANCEL_DEPRECATION').required).toEqual(['type']);
  });

  it('carries the enums of the schemas', () => {
    expect(schemas.TokenRequest.properties.role.enum).toEqual([...ROLES]);
    expect(schemas.SubscriptionRequest.properties.events.items.enum).toEqual([
      ...NOTIFICATION_TYPES,
    ]);
    expect(schemas.RegistrationRequest.properties.supportLevel).toMatchObject({
      enum: ['community', 'custom'],
      default: 'community',
    });
    expect(schemas.RegistrationRequest.required).not.toContain('supportLevel');
    expect(schemas.UsageRequest.properties.entries.items).toEqual({
      $ref: '#/components/schemas/UsageEntry',
    });
  });

  it('takes the list query parameters from listConnectorsQuery', () => {
    const params = (doc.paths['/v1/connectors'].get.parameters as Obj[]).map(deref);
    expect(params.map((p) => p.name)).toEqual(
      Object.keys(requestSchemas.listConnectorsQuery.shape),
    );
    for (const p of params) {
      expect(p.in).toBe('query');
      expect(p.required).toBe(false);
    }
    const limit = params.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
  });
});

describe('response schemas', () => {
  const lifecycle = newLifecycle();
  const stored: StoredConnector = {
    machineVersion: 1,
    state: 'community.deprecated',
    context: baseContext({
      deprecation: {
        reason: 'old',
        deprecatedAt: '2025-01-01T00:00:00.000Z',
        archiveAt: '2025-02-01T00:00:00.000Z',
        automated: false,
      },
      breakingChanges: {
        '2.0.0': {
          message: 'renamed',
          upgradeDeadline: '2025-03-01T00:00:00.000Z',
          migrationDocumentationUrl: 'https://docs.example.com/m',
        },
      },
    }),
    version: 4,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };

  it('describe what the code returns', () => {
    const view = connectorView(stored, lifecycle);
    const entry = toCatalogEntry(stored)!;
    const samples: [string, unknown][] = [
      ['Connector', view],
      ['ConnectorPage', { items: [view], nextCursor: null }],
      [
        'CatalogDocument',
        {
          catalogVersion: 3,
          generatedAt: null,
          connectors: [entry],
          supportLevels: DEFAULT_SUPPORT_LEVELS,
        },
      ],
      [
        'Registry',
        toRegistry([exportSourceOfEntry(entry)], {
          docsBaseUrl: 'https://docs.example.com',
          defaultLicense: 'MIT',
        }),
      ],
      ['SupportLevelList', { items: DEFAULT_SUPPORT_LEVELS }],
      [
        'Machine',
        {
          ...describeMachine(lifecycle),
          events: API_EVENT_TYPES,
          internalEvents: INTERNAL_EVENT_TYPES,
        },
      ],
      [
        'SweepRecord',
        newSweepRecord('s-1', { dryRun: true, trigger: 'manual', requestedBy: 'alice' }),
      ],
      [
        'Problem',
        {
          type: 'https://connector-lifecycle.dev/problems/event-not-allowed',
          title: 'Conflict',
          status: 409,
          detail: 'Event ARCHIVE is not allowed in state certified.active.',
          code: 'EVENT_NOT_ALLOWED',
          state: 'certified.active',
          allowedEvents: ['DEMOTE'],
          instance: '/v1/connectors/source-faker/events',
          requestId: 'r-1',
        },
      ],
    ];
    for (const [name, sample] of samples) {
      // closed: no field the schema does not name
      const json = JSON.parse(JSON.stringify(sample));
      expect(validator.errors(name, json, { closed: true }), name).toEqual([]);
    }
    expect(validator.errors('Connector', { ...view, state: 'nowhere.active' })).not.toEqual([]);
    expect(validator.errors('Connector', { ...view, extra: 1 }, { closed: true })).not.toEqual([]);
    expect(validator.errors('Connector', { ...view, updatedAt: 'yesterday' })).not.toEqual([]);
  });

  it('define the Problem fields of RFC 9457 and the API', () => {
    expect(Object.keys(schemas.Problem.properties)).toEqual(
      expect.arrayContaining([
        'type',
        'title',
        'status',
        'detail',
        'code',
        'instance',
        'requestId',
        'errors',
        'state',
        'allowedEvents',
      ]),
    );
    expect(schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
  });

  it('let responses gain fields (no additionalProperties: false)', () => {
    for (const name of ['Connector', 'SweepRecord', 'Problem', 'Subscription']) {
      expect(JSON.stringify(schemas[name]), name).not.toContain('"additionalProperties":false');
    }
  });

  it('document the webhook deliveries', () => {
    const hook = doc.webhooks.connectorNotification.post;
    expect(hook.parameters.map((p: Obj) => p.name)).toEqual(
      expect.arrayContaining(['X-Lifecycle-Event-Id', 'X-Lifecycle-Signature']),
    );
    expect(schemas.WebhookNotification.required).toEqual(
      expect.arrayContaining(['id', 'type', 'connectorId', 'occurredAt', 'data']),
    );
  });
});
