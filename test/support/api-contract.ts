import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import { createServices, type AppServices } from '../../src/app-services.js';
import { createApp } from '../../src/http/create-app.js';
import { createLogger } from '../../src/logger.js';
import { redisUrl, testConfig, uniquePrefix } from './harness.js';

/**
 * The API contract as the tests see it: the OpenAPI document a service serves (GET /openapi.json),
 * the operations it lists (the tests' route tables come from here, not from lists of their own),
 * the routes Express really has, and a JSON Schema validator for the document's schemas.
 */

type Obj = Record<string, any>;

export const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export type Access =
  | { kind: 'public' }
  | { kind: 'role'; role: 'reader' | 'contributor' | 'maintainer' | 'admin' }
  | { kind: 'owner' }
  | { kind: 'event' };

export interface DocumentedOperation {
  /** lower case, as in the document */
  method: string;
  /** the OpenAPI path, e.g. `/v1/connectors/{id}` */
  path: string;
  /** `GET /v1/connectors/:id`, the Express form */
  route: string;
  access: Access;
  op: Obj;
}

/** Every operation of an OpenAPI document, in document order. */
export function documentedOperations(doc: Obj): DocumentedOperation[] {
  return Object.entries(doc.paths as Obj).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({
      method,
      path,
      route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      access: item[method]['x-access'] as Access,
      op: item[method] as Obj,
    })),
  );
}

/** `GET /v1/connectors/:id` for every route Express serves (the queue dashboard excepted). */
export function expressRoutes(app: Express): string[] {
  const walk = (stack: Obj[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        return Object.keys(layer.route.methods as Obj)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${prefix}${String(layer.route.path)}`);
      }
      const inner = (layer.handle as { stack?: Obj[] } | undefined)?.stack;
      if (!inner) return [];
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return walk(inner, `${prefix}${mount}`);
    });
  // Not API routes: the queue dashboard (bull-board) and the web dashboard's pages (SPEC §13).
  return walk((app as unknown as { router: { stack: Obj[] } }).router.stack, '').filter(
    (r) => !/^\/(admin\/queues|ui)(\/|$)/.test(r.split(' ')[1]!),
  );
}

export interface ReferenceApp {
  app: Express;
  base: string;
  services: AppServices;
  close(): Promise<void>;
}

/** The real app (createApp) on a free port, against the test Redis under a fresh prefix. */
export async function startReferenceApp(): Promise<ReferenceApp> {
  const services = createServices(testConfig(uniquePrefix()), createLogger('silent'), redisUrl());
  const app = createApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    services,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Every object schema of a copy of `node` refuses properties it does not name. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== 'object') return node;
  const out: Obj = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * Validates values against the document's component schemas with Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1). `closed`: objects may not carry fields the schema does not name, which
 * proves a response has no undocumented field.
 */
export class SchemaValidator {
  private readonly open = new Ajv2020({ strict: false, allErrors: true });
  private readonly strict = new Ajv2020({ strict: false, allErrors: true });

  constructor(doc: Obj) {
    addFormats(this.open);
    addFormats(this.strict);
    this.open.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    this.strict.addSchema({ $id: 'doc', components: closed(doc.components) }, 'doc');
  }

  /** The errors of `value` against `schema` (a schema, or a `$ref` into the document); [] if valid. */
  errors(schema: Obj | string, value: unknown, options: { closed?: boolean } = {}): string[] {
    const ajv = options.closed ? this.strict : this.open;
    const root =
      typeof schema === 'string' ? { $ref: `doc#/components/schemas/${schema}` } : schema;
    const withRefs = JSON.parse(
      JSON.stringify(options.closed ? closed(root) : root).replace(
        /"\$ref":"#\/components\//g,
        '"$ref":"doc#/components/',
      ),
    ) as Obj;
    const validate = ajv.compile(withRefs);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) =>
      `${e.instancePath || '$'} ${e.message ?? ''} ${JSON.stringify(e.params)}`.trim(),
    );
  }
}
