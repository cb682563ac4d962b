import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { ApiRoute, ResponseSpec } from './api-router.js';
import { bodyLimitFor, formatBodyLimit } from './body-limits.js';
import { Problem } from './contract/problem.js';

/**
 * The responses of an operation in the OpenAPI document: the ones its route declares, plus every
 * problem the common middleware can answer (authentication, roles, bodies, idempotency, rate limit).
 */

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name.replace(/-/g, '')}` });
const problemContent = { 'application/problem+json': { schema: Problem } };

function success(spec: ResponseSpec): ResponseConfig {
  const headers = Object.fromEntries((spec.headers ?? []).map((h) => [h, headerRef(h)]));
  const content = spec.schema
    ? { 'application/json': { schema: spec.schema } }
    : spec.media
      ? { [spec.media.type]: { schema: spec.media.schema } }
      : undefined;
  return {
    description: spec.description,
    ...(spec.headers?.length ? { headers } : {}),
    ...(content ? { content } : {}),
  };
}

/** Every response of the operation at `path` (the full Express path, e.g. `/v1/usage`). */
export function operationResponses(route: ApiRoute, path: string): Record<string, ResponseConfig> {
  const { method, spec } = route;
  const v1 = path.startsWith('/v1/');
  const reasons = new Map<number, string[]>();
  const add = (status: number, text: string) =>
    reasons.set(status, [...(reasons.get(status) ?? []), text]);

  if (spec.body) {
    add(
      400,
      'The body is not JSON (`INVALID_JSON`) or fails validation (`INVALID_INPUT`, with `errors: [{path, message}]` naming every bad field; unknown fields are refused).',
    );
    add(
      413,
      `The body is larger than ${formatBodyLimit(bodyLimitFor(path))} (\`PAYLOAD_TOO_LARGE\`).`,
    );
    add(415, 'The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`).');
  }
  if (method === 'post') {
    add(400, 'A malformed `Idempotency-Key` (`INVALID_INPUT`).');
    add(
      409,
      'A request with the same `Idempotency-Key` is still running (`IDEMPOTENCY_KEY_IN_PROGRESS`).',
    );
    add(
      422,
      'The `Idempotency-Key` was already used with another body or path (`IDEMPOTENCY_KEY_REUSED`).',
    );
  }
  if (spec.access.kind === 'public' && v1) {
    add(
      401,
      'No token is needed, but the one sent is malformed, unknown or revoked (`UNAUTHORIZED`).',
    );
  } else if (spec.access.kind !== 'public') {
    add(
      401,
      'No token, a malformed `Authorization` header, or an unknown or revoked token (`UNAUTHORIZED`).',
    );
    if (spec.access.kind === 'role' && spec.access.role !== 'reader') {
      add(
        403,
        `The token's role is below ${spec.access.role} (\`FORBIDDEN\`, with \`requiredRole\`).`,
      );
    }
  }
  for (const [status, texts] of Object.entries(spec.problems ?? {})) {
    for (const text of texts ?? []) add(Number(status), text);
  }
  add(
    429,
    'A request with credentials from an address with more than `LIFECYCLE_AUTH_FAILURES_PER_MINUTE` failed authentications in the current minute, whatever its token (`AUTH_FAILURES_LIMITED`). Retry after `Retry-After` seconds.',
  );
  if (v1) {
    add(
      429,
      'More than `LIFECYCLE_RATE_LIMIT_PER_MINUTE` requests in the current minute from this token (or address, without a token) (`RATE_LIMITED`). Retry after `Retry-After` seconds.',
    );
  }

  const responses: Record<string, ResponseConfig> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = success(response);
  }
  for (const status of [...reasons.keys()].sort((a, b) => a - b)) {
    const headers: Record<string, { $ref: string }> = {};
    if (status === 401) headers['WWW-Authenticate'] = headerRef('WWW-Authenticate');
    if (status === 429) {
      for (const h of [
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
      ]) {
        headers[h] = headerRef(h);
      }
    }
    responses[String(status)] = {
      description: reasons.get(status)!.join(' '),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: problemContent,
    };
  }
  if (v1) {
    responses.default = {
      description:
        'An unexpected error (500 `INTERNAL`, logged with the request id) or Redis unreachable or refusing writes (503 `REDIS_UNAVAILABLE`, with `Retry-After`; nothing was changed).',
      content: problemContent,
    };
  }
  return responses;
}

const header = (description: string, type: 'string' | 'integer', schema = {}) => ({
  description,
  schema: { type, ...schema },
});

/** The response headers the operations refer to (components.headers). */
export const RESPONSE_HEADERS = {
  ETag: header('The version of the representation (`"v<version>"` for a connector).', 'string'),
  Location: header('The URL of the created resource.', 'string'),
  CacheControl: header('Caching rules for the response.', 'string'),
  IdempotentReplayed: header(
    '`true` when this response is a replay of an earlier request with the same `Idempotency-Key`.',
    'string',
    { enum: ['true'] },
  ),
  ContentSecurityPolicy: header('What the page may load: only its own assets.', 'string'),
  WWWAuthenticate: header('The authentication scheme (`Bearer`).', 'string'),
  RetryAfter: header('Seconds to wait before retrying.', 'integer', { minimum: 1 }),
  RateLimitLimit: header('Requests allowed per minute.', 'integer'),
  RateLimitRemaining: header('Requests left in the current minute.', 'integer'),
  RateLimitReset: header('Seconds until the current window ends.', 'integer'),
};
