import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

/**
 * Airbyte's own JSON Schemas (draft-07, vendor/airbyte-schemas/src, see its README and SOURCES.md),
 * compiled once per process with ajv. Every import is validated with them (SPEC §11); the tests
 * validate the exports with the same validators.
 */

// ajv-formats is CommonJS: its default export is the plugin function itself.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** One common base for every file: the files' own $id values disagree (see the vendor README). */
const BASE = 'https://airbyte-schemas.local/';
const VENDOR_DIR = path.join('vendor', 'airbyte-schemas', 'src');

export const SCHEMA_FILES = {
  metadata: 'ConnectorMetadataDefinitionV0.yaml',
  registry: 'ConnectorRegistryV0.yaml',
  source: 'ConnectorRegistrySourceDefinition.yaml',
  destination: 'ConnectorRegistryDestinationDefinition.yaml',
} as const;
export type AirbyteSchemaName = keyof typeof SCHEMA_FILES;

/** An error at a dotted path inside the document (`data.releases.breakingChanges.2.0.0.message`). */
export interface DocumentError {
  path: string;
  message: string;
}

export interface AirbyteSchemas {
  /** the directory the schemas were read from */
  dir: string;
  validate(name: AirbyteSchemaName, document: unknown): DocumentError[];
  /** the properties `data` of a metadata.yaml may have */
  metadataDataKeys: ReadonlySet<string>;
  /** the properties `data.releases` of a metadata.yaml may have */
  metadataReleasesKeys: ReadonlySet<string>;
}

/** Finds vendor/airbyte-schemas/src from this module: it runs from src/ (tsx) or dist/src/. */
function findSchemaDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, VENDOR_DIR);
    if (existsSync(path.join(candidate, SCHEMA_FILES.metadata))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Airbyte schemas not found: no ${VENDOR_DIR} above ${fileURLToPath(import.meta.url)}`,
      );
    }
    dir = parent;
  }
}

function objectAt(value: unknown, ...keys: string[]): Record<string, unknown> {
  let node = value;
  for (const key of keys) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : {};
}

function load(dir: string): AirbyteSchemas {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const parsed = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const schema = YAML.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<
      string,
      unknown
    >;
    schema.$id = BASE + file;
    if (file === 'ConnectorMetrics.yaml') {
      // Upstream defect: `type: ConnectorMetric` is not a JSON type; it means the local definition.
      const properties = objectAt(schema, 'properties');
      for (const key of ['all', 'cloud', 'oss']) {
        properties[key] = { $ref: '#/definitions/ConnectorMetric' };
      }
    }
    ajv.addSchema(schema);
    parsed.set(file, schema);
  }
  const validators = new Map<AirbyteSchemaName, ValidateFunction>();
  for (const [name, file] of Object.entries(SCHEMA_FILES) as [AirbyteSchemaName, string][]) {
    const validator = ajv.getSchema(BASE + file);
    if (!validator) throw new Error(`Airbyte schema ${file} is missing from ${dir}`);
    validators.set(name, validator);
  }
  const metadata = parsed.get(SCHEMA_FILES.metadata);
  const releases = parsed.get('ConnectorReleases.yaml');
  return {
    dir,
    validate(name, document) {
      const validator = validators.get(name)!;
      return validator(document) ? [] : documentErrors(validator.errors ?? []);
    },
    metadataDataKeys: new Set(Object.keys(objectAt(metadata, 'properties', 'data', 'properties'))),
    metadataReleasesKeys: new Set(Object.keys(objectAt(releases, 'properties'))),
  };
}

/** ajv's errors as dotted paths with readable messages, one per place (the first reason). */
export function documentErrors(errors: ErrorObject[]): DocumentError[] {
  const out = new Map<string, string>();
  for (const error of errors) {
    // oneOf/anyOf add a summary error after their branches' errors; the branches say more.
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let message = error.message ?? 'is invalid';
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') segments.push(String(params.missingProperty));
    if (error.keyword === 'additionalProperties') {
      segments.push(String(params.additionalProperty));
      message = 'is not a known property here';
    }
    if (error.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    if (error.keyword === 'required') message = 'is required';
    const where = segments.join('.');
    if (!out.has(where)) out.set(where, message);
  }
  if (out.size === 0 && errors.length > 0) out.set('', 'does not match the schema');
  return [...out.entries()].map(([p, message]) => ({ path: p, message }));
}

let loaded: AirbyteSchemas | undefined;

/** The compiled schemas, loaded from the vendored files on first use and kept for the process. */
export function airbyteSchemas(): AirbyteSchemas {
  loaded ??= load(findSchemaDir());
  return loaded;
}
