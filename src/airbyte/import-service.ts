import { randomUUID } from 'node:crypto';
import type { ConnectorLifecycle } from '../../machines/connector-lifecycle.js';
import {
  airbyteFieldsOf,
  connectorIdentityOf,
  type ConnectorContext,
} from '../../machines/connector-types.js';
import type { Principal } from '../auth/roles.js';
import { ConcurrentChangeError, DefinitionIdExistsError, LifecycleError } from '../errors.js';
import { assertDockerRepositoryAllowed } from '../lifecycle/docker-repository-policy.js';
import { outboxEntries } from '../lifecycle/outbox-entries.js';
import type { LifecycleService, PreparedEvent } from '../lifecycle/lifecycle-service.js';
import type { ImportReport } from '../http/contract/import-report.js';
import type { ConnectorStore } from '../store/connector-store.js';
import { firstRecord, type StoredConnector } from '../store/records.js';
import type { DocumentError } from './airbyte-schemas.js';
import { driftOf, importedSupportLevel, releaseFor, type DriftField } from './connector-drift.js';
import type { ExportOptions } from './export-source.js';
import type { ImportedConnector, ImportFormat, ParsedDocument } from './imported-connector.js';
import { parseMetadataText } from './metadata-document.js';
import { parseRegistryEntry } from './registry-document.js';

/**
 * POST /v1/imports (SPEC §11): Airbyte metadata.yaml documents and registry entries become
 * connectors, or are compared with the stored ones. Every document is judged on its own: a refused
 * one does not stop the others. Reads and commits are batched (one pipeline each), so that a
 * thousand documents cost a handful of round trips; changes to existing connectors only ever go
 * through the machine (PUBLISH_RELEASE).
 */
export interface ImportRequest {
  metadata?: string[];
  registry?: { sources: unknown[]; destinations: unknown[] };
  maintainers?: string[];
  dryRun: boolean;
  apply: boolean;
}

/** A refused document, as the contract of POST /v1/imports names it. */
export type Refusal = ImportReport['refused'][number];
export type { ImportReport };

interface Doc {
  index: number;
  format: ImportFormat;
  connector: ImportedConnector;
  /** prefix of the document's own field paths */
  prefix: string;
}

type Outcome =
  | { kind: 'unchanged' }
  | { kind: 'drift'; fields: DriftField[] }
  | { kind: 'apply'; prepared: PreparedEvent; fields: DriftField[] }
  | { kind: 'refused'; code: string; errors: DocumentError[] };

const MAX_CONFLICT_RETRIES = 5;

export interface ImportServiceDeps {
  store: ConnectorStore;
  service: LifecycleService;
  lifecycle: ConnectorLifecycle;
  options: ExportOptions;
  /** LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES (empty: any) */
  allowedDockerRepositories?: readonly string[];
  clock?: () => Date;
}

/** Where a document names its definitionId. */
function definitionIdPath(doc: Doc): string {
  const name = doc.format === 'registry' ? `${doc.connector.type}DefinitionId` : 'definitionId';
  return `${doc.prefix}${name}`;
}

export class ImportService {
  constructor(private readonly deps: ImportServiceDeps) {}

  async run(request: ImportRequest, actor: Principal, requestId?: string): Promise<ImportReport> {
    const report: ImportReport = {
      dryRun: request.dryRun,
      created: [],
      unchanged: [],
      drift: [],
      applied: [],
      refused: [],
    };
    const refuse = (
      doc: Pick<Doc, 'index'> & { id?: string },
      code: string,
      errors: DocumentError[],
    ) =>
      report.refused.push({
        index: doc.index,
        ...(doc.id ? { connectorId: doc.id } : {}),
        code,
        errors,
      });

    // 1. Parse and validate every document; one connector id at most once per import.
    const docs: Doc[] = [];
    const firstById = new Map<string, Doc>();
    const accept = (index: number, format: ImportFormat, parsed: ParsedDocument) => {
      const prefix = format === 'metadata' ? 'data.' : '';
      if (!parsed.ok) {
        refuse(
          { index, ...(parsed.connectorId ? { id: parsed.connectorId } : {}) },
          'INVALID_DOCUMENT',
          parsed.errors,
        );
        return;
      }
      const first = firstById.get(parsed.connector.id);
      if (first) {
        refuse({ index, id: parsed.connector.id }, 'DUPLICATE_DOCUMENT', [
          {
            path: `${prefix}dockerRepository`,
            message: `names the same connector as document ${first.index} of this import`,
          },
        ]);
        return;
      }
      try {
        assertDockerRepositoryAllowed(
          parsed.connector.dockerRepository,
          this.deps.allowedDockerRepositories ?? [],
        );
      } catch (err) {
        if (!(err instanceof LifecycleError)) throw err;
        refuse({ index, id: parsed.connector.id }, err.code, [
          { path: `${prefix}dockerRepository`, message: err.message },
        ]);
        return;
      }
      const doc = { index, format, connector: parsed.connector, prefix };
      firstById.set(doc.connector.id, doc);
      docs.push(doc);
    };
    (request.metadata ?? []).forEach((text, i) => accept(i, 'metadata', parseMetadataText(text)));
    const sources = request.registry?.sources ?? [];
    sources.forEach((entry, i) => accept(i, 'registry', parseRegistryEntry(entry, 'source')));
    (request.registry?.destinations ?? []).forEach((entry, i) =>
      accept(sources.length + i, 'registry', parseRegistryEntry(entry, 'destination')),
    );

    // 2. One read for every connector named.
    const stored = await this.deps.store.getMany(docs.map((d) => d.connector.id));
    const existing: [Doc, StoredConnector][] = [];
    const fresh: Doc[] = [];
    docs.forEach((doc, i) => {
      const found = stored[i];
      if (found) existing.push([doc, found]);
      else fresh.push(doc);
    });

    // 3. New connectors: definitionId unique, then one pipelined commit for all. The commit claims
    // the definitionId atomically, so a concurrent registration cannot take it in between.
    const creations: { doc: Doc; prepared: PreparedEvent }[] = [];
    const holders = await this.deps.store.definitionIdHolders(
      fresh.map((doc) => doc.connector.definitionId),
    );
    const claimed = new Map<string, Doc>();
    fresh.forEach((doc, i) => {
      const definitionId = doc.connector.definitionId;
      const owner = holders[i];
      const sibling = claimed.get(definitionId);
      if (owner || sibling) {
        refuse({ index: doc.index, id: doc.connector.id }, 'DEFINITION_ID_EXISTS', [
          {
            path: definitionIdPath(doc),
            message: owner
              ? `definitionId ${definitionId} belongs to connector "${owner}"`
              : `definitionId ${definitionId} is also claimed by document ${sibling!.index} of this import`,
          },
        ]);
        return;
      }
      claimed.set(definitionId, doc);
      creations.push({ doc, prepared: this.creation(doc, request, actor, requestId) });
    });

    // 4. Existing connectors: compare; apply a greater tag through the machine when asked.
    const outcomes = existing.map(([doc, current]) => ({
      doc,
      current,
      outcome: this.evaluate(doc, current, request, actor, requestId),
    }));

    if (request.dryRun) {
      report.created.push(...creations.map((c) => c.doc.connector.id));
    } else {
      const results = await this.deps.service.commitPrepared(creations.map((c) => c.prepared));
      results.forEach((result, i) => {
        const { doc } = creations[i]!;
        if (result instanceof LifecycleError) {
          // DEFINITION_ID_EXISTS: another connector claimed it since the check above.
          const path =
            result instanceof DefinitionIdExistsError
              ? definitionIdPath(doc)
              : `${doc.prefix}dockerRepository`;
          refuse({ index: doc.index, id: doc.connector.id }, result.code, [
            { path, message: result.message },
          ]);
        } else {
          report.created.push(doc.connector.id);
        }
      });
    }

    const applies = outcomes.filter((o) => o.outcome.kind === 'apply');
    const committed = request.dryRun
      ? applies.map(() => null)
      : await this.deps.service.commitPrepared(
          applies.map((o) => (o.outcome as Extract<Outcome, { kind: 'apply' }>).prepared),
        );
    const afterApply = new Map<Doc, StoredConnector | LifecycleError | null>();
    applies.forEach((o, i) => afterApply.set(o.doc, committed[i]!));

    for (const { doc, current, outcome: first } of outcomes) {
      let outcome = first;
      let result = afterApply.get(doc);
      for (
        let attempt = 0;
        result instanceof ConcurrentChangeError && attempt < MAX_CONFLICT_RETRIES;
        attempt++
      ) {
        // Another change won the compare-and-set: judge the document again against it.
        outcome = this.evaluate(
          doc,
          await this.deps.store.require(current.context.id),
          request,
          actor,
          requestId,
        );
        result =
          outcome.kind === 'apply'
            ? (await this.deps.service.commitPrepared([outcome.prepared]))[0]
            : undefined;
      }
      const id = doc.connector.id;
      if (result instanceof LifecycleError) {
        refuse({ index: doc.index, id }, result.code, [
          { path: `${doc.prefix}dockerImageTag`, message: result.message },
        ]);
        continue;
      }
      switch (outcome.kind) {
        case 'unchanged':
          report.unchanged.push(id);
          break;
        case 'drift':
          report.drift.push({ connectorId: id, fields: outcome.fields });
          break;
        case 'refused':
          refuse({ index: doc.index, id }, outcome.code, outcome.errors);
          break;
        case 'apply': {
          report.applied.push(id);
          // What the release could not carry (support level, name, …) is still reported.
          const next = result ?? { ...outcome.prepared.commit.next, version: current.version + 1 };
          const left = driftOf(next, doc.connector, this.deps.options);
          if (left.length > 0) report.drift.push({ connectorId: id, fields: left });
          break;
        }
      }
    }
    report.refused.sort((a, b) => a.index - b.index);
    return report;
  }

  /** A document about a stored connector: unchanged, drift, a release to apply, or refused. */
  private evaluate(
    doc: Doc,
    current: StoredConnector,
    request: ImportRequest,
    actor: Principal,
    requestId: string | undefined,
  ): Outcome {
    const candidate = doc.connector;
    if (candidate.definitionId !== current.context.definitionId) {
      return {
        kind: 'refused',
        code: 'DEFINITION_ID_MISMATCH',
        errors: [
          {
            path: definitionIdPath(doc),
            message: `differs from the stored definitionId ${current.context.definitionId} of "${candidate.id}"`,
          },
        ],
      };
    }
    if (candidate.type !== current.context.type) {
      return {
        kind: 'refused',
        code: 'CONNECTOR_TYPE_MISMATCH',
        errors: [
          {
            path: `${doc.prefix}${doc.format === 'metadata' ? 'connectorType' : 'dockerRepository'}`,
            message: `"${candidate.id}" is stored as a ${current.context.type}`,
          },
        ],
      };
    }
    const fields = driftOf(current, candidate, this.deps.options);
    if (fields.length === 0) return { kind: 'unchanged' };
    const release = request.apply ? releaseFor(current, candidate, fields) : null;
    if (!release) return { kind: 'drift', fields };
    try {
      const prepared = this.deps.service.prepareEvent(current, release, actor.subject, requestId);
      return { kind: 'apply', prepared, fields };
    } catch (err) {
      if (!(err instanceof LifecycleError)) throw err;
      const deadline =
        err.code === 'UPGRADE_WINDOW_TOO_SHORT' || err.code === 'INVALID_DEADLINE'
          ? `releases.breakingChanges.${release.dockerImageTag}.upgradeDeadline`
          : 'dockerImageTag';
      return {
        kind: 'refused',
        code: err.code,
        errors: [{ path: `${doc.prefix}${deadline}`, message: err.message }],
      };
    }
  }

  /** A new connector from a document: its IMPORT commit, with the catalog as its only effect. */
  private creation(
    doc: Doc,
    request: ImportRequest,
    actor: Principal,
    requestId: string | undefined,
  ): PreparedEvent {
    const c = doc.connector;
    const at = (this.deps.clock?.() ?? new Date()).toISOString();
    const eventId = randomUUID();
    const context: ConnectorContext = {
      ...connectorIdentityOf(c),
      maintainers: [...new Set(request.maintainers ?? [actor.subject])],
      deprecation: null,
      breakingChanges: c.breakingChanges,
      lastReleaseAt: at,
      gate: null,
      unarchiveRequest: null,
      archive: null,
      ...airbyteFieldsOf(c),
    };
    const level = importedSupportLevel(c, 'community') as 'certified' | 'community' | 'archived';
    const initial = this.deps.lifecycle.importedState(
      level,
      context,
      at,
      c.archiveSourceUrl ?? undefined,
    );
    const record = firstRecord(initial, at);
    const effects = this.deps.lifecycle.importEffects();
    return {
      kind: 'accepted',
      gateStarted: false,
      commit: {
        expectedVersion: 0,
        previous: null,
        next: record,
        history: {
          eventId,
          type: 'IMPORT',
          actor: actor.subject,
          at,
          from: null,
          to: record.state,
          payload: { format: doc.format },
          ...(requestId ? { requestId } : {}),
        },
        outbox: outboxEntries(record, eventId, at, effects, requestId),
        runs: [],
      },
    };
  }
}
