import {
  type Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { z } from 'zod';
import type { Role } from '../auth/roles.js';
import { requireRole } from './auth-middleware.js';

/**
 * Routes that carry their own documentation: a route is declared with its operation (summary,
 * access, parameters, body, responses) next to its handler, and the same declaration mounts the
 * handler, guards its role and feeds the OpenAPI document (./openapi.ts). A route cannot exist
 * without its documentation, and the role the document names is the role that is enforced.
 */

export const TAGS = {
  tokens: 'API tokens (admin).',
  connectors: 'Register connectors, send lifecycle events, read their history and tests.',
  catalog: 'The public catalog and the lifecycle machine (no token).',
  notifications: 'Webhook subscriptions and their deliveries.',
  archival: 'Usage reports and automated archival sweeps.',
  airbyte:
    "Airbyte interoperability (SPEC §11): import metadata.yaml documents and registries, export a connector's metadata.yaml, the support policy of each level.",
  operations: 'Health, readiness, metrics and this reference.',
} as const;
export type Tag = keyof typeof TAGS;

/** Who may call an operation. */
export type Access =
  | { kind: 'public' }
  /** a token with this role or a higher one */
  | { kind: 'role'; role: Role }
  /** any token; the handler then checks that the caller owns the resource (admins own all) */
  | { kind: 'owner' }
  /** any token; the handler then checks who may send the event (SPEC §4) */
  | { kind: 'event' };

/** Response headers documented in components.headers. */
export type ResponseHeader =
  'ETag' | 'Location' | 'Cache-Control' | 'Idempotent-Replayed' | 'Content-Security-Policy';

export interface ResponseSpec {
  description: string;
  /** the JSON body; absent: no body */
  schema?: z.ZodType;
  /** another media type than JSON, with its body schema */
  media?: { type: string; schema: z.ZodType };
  headers?: readonly ResponseHeader[];
}

export interface OperationSpec {
  operationId: string;
  tag: Tag;
  summary: string;
  description: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** request headers the operation reads (If-Match, If-None-Match) */
  headers?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; examples: Record<string, unknown> };
  responses: Record<number, ResponseSpec>;
  /** the problems this operation can answer besides the common ones, by status */
  problems?: Partial<Record<number, readonly string[]>>;
}

export type Method = 'get' | 'post' | 'delete';

export interface ApiRoute {
  method: Method;
  /** the Express path, relative to where the router is mounted (`/connectors/:id`) */
  path: string;
  spec: OperationSpec;
}

/** What the handler may send as JSON: the body of one of the documented responses. */
type Bodies<S extends OperationSpec> = {
  [K in keyof S['responses']]: S['responses'][K] extends { schema: infer B extends z.ZodType }
    ? z.output<B>
    : S['responses'][K] extends { media: { schema: infer B extends z.ZodType } }
      ? z.output<B>
      : never;
}[keyof S['responses']];
type ResponseBody<S extends OperationSpec> = [Bodies<S>] extends [never] ? undefined : Bodies<S>;

export type Handler<S extends OperationSpec> = (
  req: Request,
  res: Response<ResponseBody<S>>,
  next: NextFunction,
) => unknown;

function guard(access: Access): RequestHandler[] {
  switch (access.kind) {
    case 'public':
      return [];
    case 'role':
      return [requireRole(access.role)];
    case 'owner':
    case 'event':
      return [requireRole('reader')];
  }
}

export class ApiRouter {
  readonly routes: ApiRoute[] = [];
  /** what mounting adds to a router, in the order declared: the routes and any plain middleware */
  private readonly steps: ((router: Router, prefix: string) => void)[] = [];

  get<const S extends OperationSpec>(path: string, spec: S, handler: Handler<S>): this {
    return this.add('get', path, spec, handler);
  }

  post<const S extends OperationSpec>(path: string, spec: S, handler: Handler<S>): this {
    return this.add('post', path, spec, handler);
  }

  delete<const S extends OperationSpec>(path: string, spec: S, handler: Handler<S>): this {
    return this.add('delete', path, spec, handler);
  }

  /** Middleware that is no operation of the API (e.g. static assets), mounted at `path`. */
  use(path: string, ...handlers: RequestHandler[]): this {
    this.steps.push((router) => router.use(path, ...handlers));
    return this;
  }

  /**
   * Adds the routes and middleware to `router`, in the order they were declared; `prefix` is where
   * `router` is mounted (each route names its whole pattern in `res.locals.route`).
   */
  addTo(router: Router, prefix = ''): void {
    for (const step of this.steps) step(router, prefix);
  }

  private add<S extends OperationSpec>(
    method: Method,
    path: string,
    spec: S,
    handler: Handler<S>,
  ): this {
    this.routes.push({ method, path, spec });
    const handlers = [...guard(spec.access), handler as RequestHandler];
    this.steps.push((router, prefix) => {
      const pattern = `${prefix}${path}`;
      // Set first: an error answer leaves the mounted router, which resets req.baseUrl.
      const nameRoute: RequestHandler = (_req, res, next) => {
        res.locals.route = pattern;
        next();
      };
      router[method](path, nameRoute, ...handlers);
    });
    return this;
  }
}
