import type { AppServices } from '../../app-services.js';
import { principalOf } from '../auth-middleware.js';
import { ApiRouter } from '../api-router.js';
import { withholdFromReplay } from '../idempotency.js';
import { TokenIdParams } from '../contract/params.js';
import { REQUEST_EXAMPLES, TokenRequest } from '../contract/requests.js';
import { Token, WhoAmI } from '../contract/token.js';
import { tokenBody } from '../schemas.js';
import { parseInput } from '../validate.js';

export function tokenRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();
  api.post(
    '/tokens',
    {
      operationId: 'createToken',
      tag: 'tokens',
      summary: 'Create an API token',
      description:
        'Creates a token for a subject with a role (`reader` < `contributor` < `maintainer` < `admin`). The token is shown once, in this response; only its hash is stored.',
      access: { kind: 'role', role: 'admin' },
      body: {
        schema: TokenRequest,
        required: true,
        examples: { maintainer: REQUEST_EXAMPLES.TokenRequest },
      },
      responses: {
        201: {
          description: 'The token (`Cache-Control: no-store`).',
          schema: Token,
          headers: ['Cache-Control', 'Idempotent-Replayed'],
        },
      },
      problems: {
        409: [
          'A replay of an `Idempotency-Key`: the token is never kept for a replay (`IDEMPOTENT_REPLAY_UNAVAILABLE`, with the `tokenId`; revoke it if the token was lost).',
        ],
      },
    },
    async (req, res) => {
      const body = parseInput(tokenBody, req.body);
      const created = await s.tokens.create(body.subject, body.role, principalOf(res).subject);
      // The token is shown once: never kept for an idempotent replay (SPEC §10).
      withholdFromReplay(res, { tokenId: created.id });
      res.status(201).set('Cache-Control', 'no-store').json(created);
    },
  );
  api.delete(
    '/tokens/:id',
    {
      operationId: 'revokeToken',
      tag: 'tokens',
      summary: 'Revoke an API token',
      description: 'Revokes a token: it stops working at once.',
      access: { kind: 'role', role: 'admin' },
      params: TokenIdParams,
      responses: { 204: { description: 'Revoked.' } },
      problems: { 404: ['No token with this id (`NOT_FOUND`).'] },
    },
    async (req, res) => {
      await s.tokens.revoke(req.params.id as string);
      res.status(204).end();
    },
  );
  api.get(
    '/whoami',
    {
      operationId: 'whoAmI',
      tag: 'tokens',
      summary: 'Who the token speaks for',
      description:
        "The calling token's subject and role, so that a client (the dashboard) shows only what the token may do.",
      access: { kind: 'role', role: 'reader' },
      responses: {
        200: { description: 'Subject and role.', schema: WhoAmI, headers: ['Cache-Control'] },
      },
    },
    (_req, res) => {
      const { subject, role } = principalOf(res);
      res.set('Cache-Control', 'no-store').json({ subject, role });
    },
  );
  return api;
}
