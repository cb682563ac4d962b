import type { z } from 'zod';
import type { ApiEventInput } from '../../lifecycle/lifecycle-service.js';
import { PreconditionFailedError, ValidationError } from '../../errors.js';
import type { AppServices } from '../../app-services.js';
import { ApiRouter } from '../api-router.js';
import { principalOf } from '../auth-middleware.js';
import { connectorEtag, connectorView, parseIfMatch } from '../connector-view.js';
import { notModified, notModifiedResponse } from '../not-modified.js';
import { AcceptanceRunList } from '../contract/acceptance-run.js';
import { Connector, ConnectorPage } from '../contract/connector.js';
import { EVENT_EXAMPLES, EventRequest } from '../contract/event-requests.js';
import { HistoryList } from '../contract/history-entry.js';
import { ConnectorIdParams, IfMatchHeader, IfNoneMatchHeader } from '../contract/params.js';
import {
  ListConnectorsQuery,
  REQUEST_EXAMPLES,
  RegistrationRequest,
} from '../contract/requests.js';
import { eventBodies, eventType, listConnectorsQuery, registrationBody } from '../schemas.js';
import { parseInput } from '../validate.js';

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z0-9-]{1,200}$/.test(id)) {
    throw new ValidationError('Invalid query: cursor: not a cursor returned by this API', {
      errors: [{ path: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return id;
}

const noConnector = { 404: ['No connector with this id (`NOT_FOUND`).'] };
/** What the reads of one connector (`/connectors/:id…`) have in common. */
const connectorRead = {
  tag: 'connectors',
  access: { kind: 'role', role: 'reader' },
  params: ConnectorIdParams,
  problems: noConnector,
} as const;

export function connectorRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();
  const view = (c: Parameters<typeof connectorView>[0]) => connectorView(c, s.lifecycle);

  api.post(
    '/connectors',
    {
      operationId: 'registerConnector',
      tag: 'connectors',
      summary: 'Register a connector',
      description:
        'Registers a connector as `community.active` (default) or `custom.active`. The caller is always one of its `maintainers` (added when the body does not list it). Users subscribed to `connector.registered` are notified.',
      access: { kind: 'role', role: 'contributor' },
      body: {
        schema: RegistrationRequest,
        required: true,
        examples: { community: REQUEST_EXAMPLES.RegistrationRequest },
      },
      responses: {
        201: {
          description: 'The registered connector.',
          schema: Connector,
          headers: ['Location', 'ETag', 'Idempotent-Replayed'],
        },
      },
      problems: {
        409: [
          'A connector with this id exists (`ALREADY_EXISTS`).',
          'Another connector has this `definitionId` (`DEFINITION_ID_EXISTS`, with `definitionId` and `connectorId`).',
        ],
        422: [
          '`dockerRepository` matches none of `LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES` (`DOCKER_REPOSITORY_NOT_ALLOWED`).',
        ],
      },
    },
    async (req, res) => {
      const body = parseInput(registrationBody, req.body);
      const connector = await s.service.register(body, principalOf(res), res.locals.requestId);
      res
        .status(201)
        .location(`/v1/connectors/${connector.context.id}`)
        .set('ETag', connectorEtag(connector))
        .json(view(connector));
    },
  );

  api.get(
    '/connectors',
    {
      operationId: 'listConnectors',
      tag: 'connectors',
      summary: 'List connectors',
      description:
        'Lists connectors sorted by id, filtered by support level, status, type and a search string, with cursor pagination.',
      access: { kind: 'role', role: 'reader' },
      query: ListConnectorsQuery,
      responses: { 200: { description: 'One page of connectors.', schema: ConnectorPage } },
      problems: {
        400: [
          'An invalid query parameter or a cursor not returned by this API (`INVALID_INPUT`, with `errors`).',
        ],
      },
    },
    async (req, res) => {
      const query = parseInput(listConnectorsQuery, req.query, 'query');
      const page = await s.store.list(
        query,
        query.limit,
        query.cursor ? decodeCursor(query.cursor) : null,
      );
      res.json({
        items: page.items.map(view),
        nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
      });
    },
  );

  api.get(
    '/connectors/:id',
    {
      operationId: 'getConnector',
      ...connectorRead,
      summary: 'Get a connector',
      description:
        'The connector, with the events it accepts now (`allowedEvents`). The `ETag` header (`"v<version>"`) can be sent back as `If-Match` on an event, or as `If-None-Match` here.',
      headers: IfNoneMatchHeader,
      responses: {
        200: { description: 'The connector.', schema: Connector, headers: ['ETag'] },
        304: notModifiedResponse,
      },
    },
    async (req, res) => {
      const connector = await s.store.require(req.params.id as string, res.locals.prefetched);
      if (notModified(req, res, connectorEtag(connector))) return;
      res.json(view(connector));
    },
  );

  api.post(
    '/connectors/:id/events',
    {
      operationId: 'sendEvent',
      tag: 'connectors',
      summary: 'Send a lifecycle event',
      description:
        'Sends one event to the connector\'s lifecycle machine. 200 with the updated connector; 202 when the event started an acceptance-test gate (CONTRIBUTE, REQUEST_CERTIFICATION, REQUEST_UNARCHIVE): the result arrives later as an internal event, visible in the connector, its history and `acceptance-runs`. `If-Match: "v<version>"` makes the change conditional. The event `type` is checked first (400), then the connector (404) and the caller\'s permission (403), then the payload (400).',
      access: { kind: 'event' },
      params: ConnectorIdParams,
      headers: IfMatchHeader,
      body: { schema: EventRequest, required: true, examples: EVENT_EXAMPLES },
      responses: {
        200: {
          description: 'The event was accepted; the updated connector.',
          schema: Connector,
          headers: ['ETag', 'Idempotent-Replayed'],
        },
        202: {
          description:
            'The event was accepted and started the acceptance tests; the connector in its testing state.',
          schema: Connector,
          headers: ['ETag', 'Idempotent-Replayed'],
        },
      },
      problems: {
        403: [
          'The caller may not send this event type to this connector (`FORBIDDEN`, with `requiredRole`).',
        ],
        404: ['No connector with this id (`NOT_FOUND`).'],
        409: [
          'The event is not allowed in the current state (`EVENT_NOT_ALLOWED`, with `state` and `allowedEvents`).',
          'Another change to the connector was committed first (`CONCURRENT_CHANGE`); read it again and retry.',
        ],
        412: [
          '`If-Match` does not name the current `ETag`, or is malformed (`PRECONDITION_FAILED`, with `currentVersion`).',
        ],
        422: [
          'A policy blocked the event; `code` names the rule (`NOTICE_TOO_SHORT`, `NOTICE_INVALID`, `INVALID_VERSION`, `VERSION_NOT_GREATER`, `INVALID_CDK_VERSION`, `CDK_OUTDATED`, `INVALID_DEADLINE`, `UPGRADE_WINDOW_TOO_SHORT`, `DOCKER_REPOSITORY_NOT_ALLOWED` for a `REQUEST_UNARCHIVE` whose repository is not allowed), with `state` and the figures of the rule.',
        ],
      },
    },
    async (req, res) => {
      const id = req.params.id as string;
      const { type } = parseInput(eventType, req.body);
      // 404 and 403 before the payload is examined: callers who may not send it learn nothing more.
      const current = await s.store.require(id, res.locals.prefetched);
      s.service.authorize(current, type, principalOf(res));
      const payload: ApiEventInput = parseInput<z.ZodType<ApiEventInput>>(
        eventBodies[type],
        req.body,
      );
      const ifMatch = parseIfMatch(req.get('if-match'));
      if (ifMatch !== undefined && Number.isNaN(ifMatch)) {
        throw new PreconditionFailedError(
          `If-Match must be an ETag of this connector (e.g. "v${current.version}").`,
          { currentVersion: current.version },
        );
      }
      const result = await s.service.sendTo(current, payload, principalOf(res), {
        ...(ifMatch !== undefined ? { ifMatchVersion: ifMatch } : {}),
        requestId: res.locals.requestId,
      });
      res
        .status(result.gateStarted ? 202 : 200)
        .set('ETag', connectorEtag(result.connector))
        .json(view(result.connector));
    },
  );

  api.get(
    '/connectors/:id/history',
    {
      operationId: 'getConnectorHistory',
      ...connectorRead,
      summary: "A connector's history",
      description:
        'Every accepted event (API and internal: acceptance results, `ARCHIVE_DUE`, breaking-change reminders `REMINDER_DUE`, review suggestions `SUGGEST_REVIEW`), oldest first, with the transition it made.',
      responses: { 200: { description: 'The history.', schema: HistoryList } },
    },
    async (req, res) => {
      const id = req.params.id as string;
      await s.store.require(id);
      res.json({ items: await s.store.history(id) });
    },
  );

  api.get(
    '/connectors/:id/acceptance-runs',
    {
      operationId: 'listAcceptanceRuns',
      ...connectorRead,
      summary: "A connector's acceptance-test runs",
      description:
        'The acceptance-test runs of the connector with their status, test counts, exit code and the tail of their output.',
      responses: { 200: { description: 'The runs.', schema: AcceptanceRunList } },
    },
    async (req, res) => {
      const id = req.params.id as string;
      await s.store.require(id);
      res.json({ items: await s.store.runs(id) });
    },
  );

  return api;
}
