import type { Request, Response } from 'express';
import type { AppServices } from '../../app-services.js';
import { describeMachine } from '../../../machines/connector-lifecycle.js';
import { API_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../../machines/connector-events.js';
import { toRegistry } from '../../airbyte/registry-export.js';
import { exportSourceOfEntry } from '../../catalog/catalog-entry.js';
import { ApiRouter } from '../api-router.js';
import { CatalogDocument } from '../contract/catalog-document.js';
import { MachineDefinition } from '../contract/machine-definition.js';
import { IfNoneMatchHeader } from '../contract/params.js';
import { RegistryDocument } from '../contract/registry-document.js';
import { notModified, notModifiedResponse } from '../not-modified.js';

/** Sets the catalog's caching headers; see notModified. */
/** The newest catalog version that `If-None-Match` names (ETags `"<kind>-<version>"`), or 0. */
function seenVersion(req: Request, kind: 'catalog' | 'registry'): number {
  let seen = 0;
  for (const [, named, version] of (req.get('if-none-match') ?? '').matchAll(/"(\w+)-(\d+)"/g)) {
    if (named === kind) seen = Math.max(seen, Number(version));
  }
  return seen;
}

function catalogNotModified(req: Request, res: Response, etag: string): boolean {
  res.set('Cache-Control', 'public, max-age=0, must-revalidate');
  return notModified(req, res, etag);
}

/** Public routes: the catalog and the machine definition. */
export function catalogRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();

  // The catalog as sent, serialized once per catalog version (10,000 connectors: about 13 MB).
  let catalog: { version: number; json: Buffer } | null = null;

  api.get(
    '/catalog',
    {
      operationId: 'getCatalog',
      tag: 'catalog',
      summary: 'The public catalog',
      description:
        'Every community and certified connector (deprecated ones with their `deprecation`), never custom or archived ones, with `supportLevels`: the support policy of each level (as GET /v1/support-levels). Reflects an accepted event within a second. Send `If-None-Match` with the last `ETag` to get 304 when nothing changed.',
      access: { kind: 'public' },
      headers: IfNoneMatchHeader,
      responses: {
        200: {
          description: 'The catalog.',
          schema: CatalogDocument,
          headers: ['ETag', 'Cache-Control'],
        },
        304: notModifiedResponse,
      },
    },
    async (req, res) => {
      const doc = await s.catalog.document(res.locals.catalogVersion, seenVersion(req, 'catalog'));
      if (catalogNotModified(req, res, `"catalog-${doc.catalogVersion}"`)) return;
      if (catalog?.version !== doc.catalogVersion) {
        // The support policy of each level rides along (SPEC §11).
        const body: CatalogDocument = { ...doc, supportLevels: s.config.supportLevels };
        catalog = { version: doc.catalogVersion, json: Buffer.from(JSON.stringify(body)) };
      }
      // What res.json(body) sends, serialized once per catalog version.
      (res as Response).type('application/json').send(catalog.json);
    },
  );

  let registry: { version: number; body: RegistryDocument } | null = null;
  api.get(
    '/catalog/registry.json',
    {
      operationId: 'getRegistry',
      tag: 'catalog',
      summary: "The catalog in Airbyte's registry format",
      description:
        "The catalog as Airbyte's `ConnectorRegistryV0` (`{sources, destinations}`), valid against Airbyte's schema: every entry has `documentationUrl` (else `LIFECYCLE_DOCS_BASE_URL` + `/sources/<name>` or `/destinations/<name>`) and `spec` (`{}` when none is known); `releases` only when there are breaking changes; `packageInfo.cdk_version` as `<language>:<version>` when known. An imported connector's other Airbyte fields come back verbatim. Supports `If-None-Match`.",
      access: { kind: 'public' },
      headers: IfNoneMatchHeader,
      responses: {
        200: {
          description: 'The registry.',
          schema: RegistryDocument,
          headers: ['ETag', 'Cache-Control'],
        },
        304: notModifiedResponse,
      },
    },
    async (req, res) => {
      const doc = await s.catalog.document(res.locals.catalogVersion, seenVersion(req, 'registry'));
      if (catalogNotModified(req, res, `"registry-${doc.catalogVersion}"`)) return;
      if (registry?.version !== doc.catalogVersion) {
        const body = toRegistry(doc.connectors.map(exportSourceOfEntry), s.config.airbyte);
        registry = { version: doc.catalogVersion, body };
      }
      res.json(registry.body);
    },
  );

  // Checked against the contract once, at start: the machine does not change while running.
  const machine = MachineDefinition.parse({
    ...describeMachine(s.lifecycle),
    events: API_EVENT_TYPES,
    internalEvents: INTERNAL_EVENT_TYPES,
  });
  api.get(
    '/machine',
    {
      operationId: 'getMachine',
      tag: 'catalog',
      summary: 'The lifecycle state machine',
      description:
        'The machine definition: states, transitions, guards, the API events and the internal ones, for tools and diagrams.',
      access: { kind: 'public' },
      responses: { 200: { description: 'The machine.', schema: MachineDefinition } },
    },
    (_req, res) => {
      res.json(machine);
    },
  );

  return api;
}
