import { isDeepStrictEqual } from 'node:util';
import semver from 'semver';
import { splitState } from '../../machines/connector-lifecycle.js';
import { toSemver } from '../../machines/lifecycle-policy.js';
import { AIRBYTE_FIELD_NAMES, type SupportLevel } from '../../machines/connector-types.js';
import type { PublishReleaseEvent } from '../../machines/connector-events.js';
import type { StoredConnector } from '../store/records.js';
import { airbyteSchemas } from './airbyte-schemas.js';
import { exportSourceOf, type ExportOptions, type ExportSource } from './export-source.js';
import { candidateExportSource, type ImportedConnector } from './imported-connector.js';
import { metadataDocument } from './metadata-export.js';
import { projectMetadata } from './metadata-document.js';
import { registryEntry } from './registry-export.js';
import { projectRegistryEntry } from './registry-document.js';

/**
 * How a stored connector differs from an imported document, field by field (SPEC §11). Both sides
 * are compared as the document's format expresses them: each is exported in that format (with the
 * same defaults) and read back, so that a field the format cannot carry never differs, and an
 * exported document imported again is unchanged.
 */
export interface DriftField {
  field: string;
  current: unknown;
  imported: unknown;
}

const COMPARED = [
  'name',
  'dockerRepository',
  'dockerImageTag',
  'language',
  'cdkVersion',
  'breakingChanges',
  ...AIRBYTE_FIELD_NAMES.filter((name) => name !== 'airbyte'),
] as const;

function canonical(
  source: ExportSource,
  format: ImportedConnector['format'],
  options: ExportOptions,
): ImportedConnector {
  return format === 'metadata'
    ? projectMetadata(metadataDocument(source, options) as unknown as Record<string, unknown>)
    : projectRegistryEntry(registryEntry(source, options), source.type);
}

/** The support level a document gives: absent means community (a custom connector stays custom). */
export function importedSupportLevel(
  candidate: ImportedConnector,
  storedLevel: SupportLevel,
): SupportLevel {
  return candidate.supportLevel ?? (storedLevel === 'custom' ? 'custom' : 'community');
}

export function driftOf(
  stored: StoredConnector,
  candidate: ImportedConnector,
  options: ExportOptions,
): DriftField[] {
  const storedLevel = splitState(stored.state).supportLevel;
  const level = importedSupportLevel(candidate, storedLevel);
  const current = canonical(exportSourceOf(stored), candidate.format, options);
  const imported = canonical(candidateExportSource(candidate, level), candidate.format, options);
  const fields: DriftField[] = [];
  for (const field of COMPARED) {
    if (!isDeepStrictEqual(current[field], imported[field])) {
      fields.push({ field, current: current[field], imported: imported[field] });
    }
  }
  if (storedLevel !== level) {
    fields.push({ field: 'supportLevel', current: storedLevel, imported: level });
  }
  const a = current.airbyte ?? {};
  const b = imported.airbyte ?? {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!isDeepStrictEqual(a[key], b[key])) {
      fields.push({ field: `airbyte.${key}`, current: a[key] ?? null, imported: b[key] ?? null });
    }
  }
  return fields;
}

export type ReleaseInput = Omit<PublishReleaseEvent, 'eventId' | 'actor' | 'at'>;

/**
 * The PUBLISH_RELEASE that applies an imported document (SPEC §11): only when its dockerImageTag is
 * greater than the stored one. It carries the document's breaking change for that version, its CDK
 * (when semver) and the Airbyte fields that differ. Everything else (support level, name, …) is
 * never applied.
 */
export function releaseFor(
  stored: StoredConnector,
  candidate: ImportedConnector,
  drift: DriftField[],
): ReleaseInput | null {
  const next = toSemver(candidate.dockerImageTag);
  const current = toSemver(stored.context.dockerImageTag);
  if (!next || (current && !semver.gt(next, current))) return null;
  const differs = new Set(drift.map((f) => f.field));
  const release: ReleaseInput = { type: 'PUBLISH_RELEASE', dockerImageTag: next };
  const cdk = candidate.cdkVersion ? toSemver(candidate.cdkVersion) : null;
  if (differs.has('cdkVersion') && cdk) release.cdkVersion = cdk;
  const change = candidate.breakingChanges[next];
  if (change) release.breakingChange = change;
  for (const name of AIRBYTE_FIELD_NAMES) {
    if (name !== 'airbyte' && differs.has(name))
      Object.assign(release, { [name]: candidate[name] });
  }
  if (drift.some((f) => f.field.startsWith('airbyte.'))) {
    release.airbyte = mergedRemainder(stored, candidate);
  }
  return release;
}

/**
 * The kept fields after a document is applied: what its format can express comes from the document;
 * the rest (fields of another format) stays.
 */
function mergedRemainder(
  stored: StoredConnector,
  candidate: ImportedConnector,
): Record<string, unknown> | null {
  if (candidate.format === 'registry') return candidate.airbyte;
  const keys = airbyteSchemas().metadataDataKeys;
  const kept = Object.fromEntries(
    Object.entries(stored.context.airbyte ?? {}).filter(([key]) => !keys.has(key)),
  );
  const merged = { ...kept, ...candidate.airbyte };
  return Object.keys(merged).length > 0 ? merged : null;
}
