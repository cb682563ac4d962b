import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { Router } from 'express';
import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../machines/notification-types.js';
import { TAGS, type Access, type ApiRoute, type ApiRouter, type Method } from './api-router.js';
import { describeBodyLimits } from './body-limits.js';
import { WebhookNotification } from './contract/webhook-notification.js';
import { RESPONSE_HEADERS, operationResponses } from './operation-responses.js';

/**
 * The OpenAPI 3.1 document of the API (SPEC §4), served at GET /openapi.json and shown at GET /docs.
 * It is assembled from the routes as they are mounted (see ./api-router.ts): each route declares its
 * operation next to its handler, with the zod schemas that validate its input (./schemas.ts) and
 * those its responses are typed with (./contract/); zod-to-openapi turns them into the document.
 */

/** An operation of the document, as mounted. */
export interface MountedOperation {
  method: Method;
  /** the OpenAPI path, e.g. `/v1/connectors/{id}` */
  path: string;
  route: ApiRoute;
}

/** `/v1` + `/connectors/:id` → `/v1/connectors/{id}`. */
export function openApiPath(prefix: string, expressPath: string): string {
  return `${prefix}${expressPath}`.replace(/:(\w+)/g, '{$1}');
}

const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[!-~]+$/)
  .optional()
  .meta({
    param: {
      description:
        'Makes the POST safe to retry: for 24 h, the same caller, key and body get the first response again (with `Idempotent-Replayed: true`) without doing the work twice. A 5xx is not kept.',
    },
  });

function accessText(access: Access): string {
  switch (access.kind) {
    case 'public':
      return 'Public: no token needed.';
    case 'role':
      return access.role === 'admin'
        ? 'A token with the admin role.'
        : `A token with the ${access.role} role or higher.`;
    case 'owner':
      return 'The subject that created the subscription, or an admin.';
    case 'event':
      return 'Depends on the event type: CONTRIBUTE and PUBLISH_RELEASE — a subject listed in the connector’s `maintainers`, or maintainer+; REQUEST_UNARCHIVE — contributor+; every other event — maintainer+. Any valid token may call the route; a caller who may not send the event gets 403.';
  }
}

function routeConfig({ method, path, route }: MountedOperation, expressPath: string): RouteConfig {
  const { spec } = route;
  const headers = {
    ...spec.headers?.shape,
    ...(method === 'post' ? { 'Idempotency-Key': idempotencyKey } : {}),
  };
  return {
    method,
    path,
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: `${spec.description}\n\n**Who may call it:** ${accessText(spec.access)}`,
    security: spec.access.kind === 'public' ? [] : [{ bearerAuth: [] }],
    // Who may call it, for programs (a client, the tests): `{kind, role?}` as in ./api-router.ts.
    'x-access': spec.access,
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(Object.keys(headers).length > 0 ? { headers: z.object(headers) } : {}),
      ...(spec.body
        ? {
            body: {
              required: spec.body.required,
              content: {
                'application/json': {
                  schema: spec.body.schema,
                  examples: Object.fromEntries(
                    Object.entries(spec.body.examples).map(([name, value]) => [name, { value }]),
                  ),
                },
              },
            },
          }
        : {}),
    },
    responses: operationResponses(route, expressPath),
  };
}

const WEBHOOK_HEADERS: Record<string, string> = {
  'X-Lifecycle-Event-Id': 'The stable event id (also `id` in the body): drop duplicates by it.',
  'X-Lifecycle-Event-Type': 'The notification type (also `type` in the body).',
  'X-Lifecycle-Delivery-Id': 'The delivery id (`<eventId>-<subscriptionId>`).',
  'X-Lifecycle-Attempt': 'The attempt number, from 1.',
  'X-Lifecycle-Signature':
    '`sha256=<hex HMAC-SHA256 of the raw body, keyed with the subscription secret>`.',
  'webhook-id': 'Standard Webhooks: the event id.',
  'webhook-timestamp': 'Standard Webhooks: Unix seconds when this attempt was sent.',
  'webhook-signature':
    'Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, keyed with the UTF-8 bytes of the subscription secret (the libraries\' "raw" secret format).',
};

const webhook: RouteConfig = {
  method: 'post',
  path: 'connectorNotification',
  summary: 'A lifecycle notification',
  description: `POSTed to every subscription whose \`events\` and \`connectorIds\` match. Any 2xx acknowledges it; anything else (or no answer within \`LIFECYCLE_WEBHOOK_TIMEOUT_MS\`) is retried with exponential backoff, up to \`LIFECYCLE_WEBHOOK_MAX_ATTEMPTS\` attempts. Deliveries are at least once. Types: ${NOTIFICATION_TYPES.map((t) => `\`${t}\``).join(', ')}.`,
  request: {
    headers: z.object(
      Object.fromEntries(
        Object.entries(WEBHOOK_HEADERS).map(([name, description]) => [
          name,
          z.string().meta({ param: { description } }),
        ]),
      ),
    ),
    body: { required: true, content: { 'application/json': { schema: WebhookNotification } } },
  },
  responses: {
    '2XX': { description: 'Delivered.' },
    default: { description: 'Not delivered; retried until the last attempt.' },
  },
};

const DESCRIPTION = [
  'The lifecycle of data connectors — custom, community, certified, archived — as an HTTP API: registration, promotion gated by acceptance tests, deprecation and archival, un-archiving, and a public catalog.',
  '',
  '**Authentication.** `Authorization: Bearer <token>`. Roles: `reader` < `contributor` < `maintainer` < `admin`; `LIFECYCLE_ADMIN_TOKEN` is an admin. The catalog, the machine and the routes outside `/v1` are public.',
  '',
  '**Errors** are `application/problem+json` (RFC 9457) with a stable `code`, the `instance` path and the `requestId`.',
  '',
  `**Requests.** Bodies are JSON (${describeBodyLimits()}); unknown fields are refused. Every POST accepts an \`Idempotency-Key\`. Every \`/v1\` request counts towards a per-token (or per-address) limit of \`LIFECYCLE_RATE_LIMIT_PER_MINUTE\` requests a minute, reported in \`RateLimit-*\` headers. Every response carries an \`X-Request-Id\` (yours, when you send a valid one).`,
  '',
  '**Notifications** are webhooks (see `webhooks`). The queue dashboard is at `/admin/queues` (admin only).',
].join('\n');

/**
 * The API reference of one app: routers are mounted through it, and the document is generated from
 * what was mounted, once, on first use.
 */
export class ApiReference {
  private readonly mounted: { operation: MountedOperation; expressPath: string }[] = [];
  private cached: string | undefined;

  /**
   * Records the operations of `apis`, served under `prefix`, and adds their routes to `router`
   * (after what it has already), in order: one router for them all, not one per group of routes,
   * so a request enters no router of its own per group.
   */
  mount(router: Router, prefix: string, ...apis: ApiRouter[]): void {
    for (const api of apis) {
      for (const route of api.routes) {
        const path = openApiPath(prefix, route.path);
        this.mounted.push({
          operation: { method: route.method, path, route },
          expressPath: `${prefix}${route.path}`,
        });
      }
      api.addTo(router, prefix);
    }
    this.cached = undefined;
  }

  /** Every mounted operation, in mounting order. */
  operations(): MountedOperation[] {
    return this.mounted.map((m) => m.operation);
  }

  /** The OpenAPI 3.1 document: plain JSON, a new copy on every call (safe to mutate). */
  document(options: { serverUrl?: string } = {}): Record<string, unknown> {
    this.cached ??= JSON.stringify(this.generate());
    const document = JSON.parse(this.cached) as Record<string, unknown>;
    document.servers = [{ url: options.serverUrl ?? '/' }];
    return document;
  }

  private generate() {
    const registry = new OpenAPIRegistry();
    registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      description: 'A token from POST /v1/tokens, or `LIFECYCLE_ADMIN_TOKEN`.',
    });
    for (const [name, header] of Object.entries(RESPONSE_HEADERS)) {
      registry.registerComponent('headers', name, header);
    }
    for (const { operation, expressPath } of this.mounted) {
      registry.registerPath(routeConfig(operation, expressPath));
    }
    registry.registerWebhook(webhook);
    const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'connector-lifecycle', version: 'v1', description: DESCRIPTION },
      servers: [{ url: '/' }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      security: [{ bearerAuth: [] }],
    });
    // OpenAPI 3.1's info.summary (the generator's types know only 3.0's info).
    Object.assign(document.info, {
      summary: 'Connector lifecycle: support levels, promotions, archival and the public catalog.',
    });
    return document;
  }
}
