import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ImportRequest } from '../api-types.js';
import { UsageError } from '../cli-errors.js';
import { parseJson, readText } from './read-document.js';

/** One document to import: a metadata.yaml text, or one entry of a registry JSON file. */
export type ImportDocument =
  | { kind: 'metadata'; path: string; text: string }
  | {
      kind: 'registry';
      path: string;
      group: 'sources' | 'destinations';
      position: number;
      entry: unknown;
    };

/** A request's worth of documents, in the order the service numbers them (`refused[].index`). */
export interface ImportBatch {
  /** `documents[i]` is the document the service calls index i */
  documents: ImportDocument[];
  body: Pick<ImportRequest, 'metadata' | 'registry'>;
}

export const METADATA_FILE = 'metadata.yaml';

/** Folders never searched: dependencies and hidden folders (.git …). */
function skipFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/** Every metadata.yaml under a folder, searched recursively, in path order. */
export async function findMetadataFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipFolder(entry.name)) await walk(path);
      } else if (entry.isFile() && entry.name === METADATA_FILE) {
        found.push(path);
      }
    }
  };
  await walk(folder);
  return found;
}

/** The documents of a registry JSON file (`{sources, destinations}`, as Airbyte publishes it). */
function registryDocuments(path: string, value: unknown): ImportDocument[] {
  const registry = value as { sources?: unknown; destinations?: unknown } | null;
  const isList = (v: unknown) => v === undefined || Array.isArray(v);
  if (
    !registry ||
    typeof registry !== 'object' ||
    Array.isArray(registry) ||
    (registry.sources === undefined && registry.destinations === undefined) ||
    !isList(registry.sources) ||
    !isList(registry.destinations)
  ) {
    throw new UsageError(
      `${path}: not a registry (a JSON object with "sources" and/or "destinations" lists)`,
    );
  }
  const of = (group: 'sources' | 'destinations') =>
    ((registry[group] as unknown[] | undefined) ?? []).map((entry, position): ImportDocument => ({
      kind: 'registry',
      path,
      group,
      position,
      entry,
    }));
  return [...of('sources'), ...of('destinations')];
}

/**
 * The documents named by the command line: metadata.yaml files, folders (searched recursively for
 * metadata.yaml) and registry JSON files (by their .json extension). Each file is read once.
 */
export async function collectImportDocuments(paths: string[]): Promise<ImportDocument[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UsageError(`${path}: no such file or folder`);
    }
    if (info.isDirectory()) {
      const found = await findMetadataFiles(path);
      if (found.length === 0) throw new UsageError(`${path}: no ${METADATA_FILE} in this folder`);
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  const seen = new Set<string>();
  const documents: ImportDocument[] = [];
  for (const path of files) {
    const key = resolve(path);
    if (seen.has(key)) continue;
    seen.add(key);
    const text = await readText(path);
    if (extname(path).toLowerCase() === '.json') {
      documents.push(...registryDocuments(path, parseJson(text, path)));
    } else {
      documents.push({ kind: 'metadata', path, text });
    }
  }
  return documents;
}

/** "path" for a metadata file, "path: sources[3]" for a registry entry. */
export function documentLabel(doc: ImportDocument): string {
  return doc.kind === 'metadata' ? doc.path : `${doc.path}: ${doc.group}[${doc.position}]`;
}

function sizeOf(doc: ImportDocument): number {
  return doc.kind === 'metadata'
    ? Buffer.byteLength(JSON.stringify(doc.text))
    : Buffer.byteLength(JSON.stringify(doc.entry) ?? 'null');
}

export interface BatchLimits {
  /** documents per request */
  maxDocuments: number;
  /** bytes of documents per request (the API takes bodies up to 1 MB) */
  maxBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxDocuments: 200, maxBytes: 512 * 1024 };

function toBatch(documents: ImportDocument[]): ImportBatch {
  if (documents[0]?.kind === 'metadata') {
    return {
      documents,
      body: { metadata: documents.map((d) => (d.kind === 'metadata' ? d.text : '')) },
    };
  }
  const entries = (group: 'sources' | 'destinations') =>
    documents.filter((d) => d.kind === 'registry' && d.group === group);
  const ordered = [...entries('sources'), ...entries('destinations')];
  const list = (group: 'sources' | 'destinations') =>
    entries(group).map((d) => (d.kind === 'registry' ? d.entry : null));
  return {
    documents: ordered,
    body: { registry: { sources: list('sources'), destinations: list('destinations') } },
  };
}

/**
 * Splits the documents into requests of at most `maxDocuments` documents and about `maxBytes`
 * (a single larger document goes alone). A request holds metadata texts or registry entries,
 * never both, so that every `refused[].index` of its answer names one document.
 */
export function batchDocuments(
  documents: ImportDocument[],
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): ImportBatch[] {
  const batches: ImportBatch[] = [];
  let current: ImportDocument[] = [];
  let bytes = 0;
  for (const doc of documents) {
    const size = sizeOf(doc);
    const full =
      current.length >= limits.maxDocuments ||
      (current.length > 0 && bytes + size > limits.maxBytes) ||
      (current.length > 0 && current[0]!.kind !== doc.kind);
    if (full) {
      batches.push(toBatch(current));
      current = [];
      bytes = 0;
    }
    current.push(doc);
    bytes += size;
  }
  if (current.length) batches.push(toBatch(current));
  return batches;
}
