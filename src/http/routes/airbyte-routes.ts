import { z } from 'zod';
import { airbyteSchemas } from '../../airbyte/airbyte-schemas.js';
import { exportSourceOf } from '../../airbyte/export-source.js';
import { metadataYaml } from '../../airbyte/metadata-export.js';
import type { AppServices } from '../../app-services.js';
import { ApiRouter } from '../api-router.js';
import { connectorEtag } from '../connector-view.js';
import { notModified, notModifiedResponse } from '../not-modified.js';
import { ConnectorIdParams, IfNoneMatchHeader } from '../contract/params.js';
import { SupportLevelList } from '../contract/support-levels.js';

/** Airbyte interoperability reads (SPEC §11): a connector's metadata.yaml, the support levels. */
export function airbyteRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();
  // Airbyte's schemas are compiled once, now, rather than on the first import.
  airbyteSchemas();

  api.get(
    '/connectors/:id/metadata.yaml',
    {
      operationId: 'getConnectorMetadataYaml',
      tag: 'airbyte',
      summary: "A connector as Airbyte's metadata.yaml",
      description:
        "The connector as an Airbyte `metadata.yaml` that validates against `ConnectorMetadataDefinitionV0`: with `supportLevel` (none for a custom connector), archived connectors included (their source location as an `externalDocumentationUrls` entry), and `releases.breakingChanges`. Fields the connector lacks get defaults that keep the document valid (`LIFECYCLE_DEFAULT_LICENSE`, `LIFECYCLE_DOCS_BASE_URL`, …). Supports `If-None-Match` with the connector's `ETag`.",
      access: { kind: 'role', role: 'reader' },
      params: ConnectorIdParams,
      headers: IfNoneMatchHeader,
      responses: {
        200: {
          description: 'The metadata.yaml document.',
          media: { type: 'application/yaml', schema: z.string() },
          headers: ['ETag'],
        },
        304: notModifiedResponse,
      },
      problems: { 404: ['No connector with this id (`NOT_FOUND`).'] },
    },
    async (req, res) => {
      const connector = await s.store.require(req.params.id as string);
      if (notModified(req, res, connectorEtag(connector))) return;
      res.type('application/yaml').send(metadataYaml(exportSourceOf(connector), s.config.airbyte));
    },
  );

  api.get(
    '/support-levels',
    {
      operationId: 'listSupportLevels',
      tag: 'airbyte',
      summary: 'The support policy of each support level',
      description:
        "Who builds and maintains connectors of each support level, how production-ready they are and how they are supported. The defaults follow Airbyte's “Connector Support Levels” table (certified, community, custom, plus archived); LIFECYCLE_SUPPORT_POLICY_FILE replaces them. GET /v1/catalog carries the same list.",
      access: { kind: 'public' },
      responses: { 200: { description: 'The support levels.', schema: SupportLevelList } },
    },
    (_req, res) => {
      res.json({ items: s.config.supportLevels });
    },
  );

  return api;
}
