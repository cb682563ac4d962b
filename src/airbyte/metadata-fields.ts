/**
 * The fields of Airbyte's metadata.yaml `data` that map to connector fields (SPEC §11); every other
 * field of an imported document is kept verbatim in the connector's `airbyte`.
 */
export const METADATA_OWNED_KEYS: ReadonlySet<string> = new Set([
  'name',
  'definitionId',
  'connectorType',
  'dockerRepository',
  'dockerImageTag',
  'license',
  'documentationUrl',
  'githubIssueLabel',
  'connectorSubtype',
  'releaseStage',
  'supportLevel',
  'tags',
  'releaseDate',
  'releases',
]);

/** The title of the `externalDocumentationUrls` entry that names an archived connector's source. */
export const ARCHIVED_SOURCE_TITLE = 'Archived source';
