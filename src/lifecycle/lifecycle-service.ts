import { randomUUID } from 'node:crypto';
import { MACHINE_VERSION } from '../../machines/connector-machine.js';
import {
  EVENT_PERMISSIONS,
  type ApiEvent,
  type ApiEventType,
  type ConnectorEvent,
  type EventMeta,
  type InternalEvent,
} from '../../machines/connector-events.js';
import type { ConnectorLifecycle } from '../../machines/connector-lifecycle.js';
import {
  AIRBYTE_FIELD_NAMES,
  emptyAirbyteFields,
  type AirbyteFields,
  type ConnectorContext,
  type ConnectorType,
} from '../../machines/connector-types.js';
import { registration } from '../../machines/registration.js';
import { withFields } from '../../machines/with-fields.js';
import { hasRole, type Principal } from '../auth/roles.js';
import type { LifecycleError } from '../errors.js';
import {
  ConcurrentChangeError,
  EventNotAllowedError,
  ForbiddenError,
  PolicyViolationError,
  PreconditionFailedError,
} from '../errors.js';
import type { CommitGuard, CommitInput } from '../store/commit-call.js';
import type { ConnectorStore } from '../store/connector-store.js';
import { casBackoff, CAS_MAX_ATTEMPTS } from './cas-backoff.js';
import { assertDockerRepositoryAllowed } from './docker-repository-policy.js';
import { outboxEntries } from './outbox-entries.js';
import {
  firstRecord,
  queuedAcceptanceRun,
  type AcceptanceRunRecord,
  type ConnectorRecord,
  type StoredConnector,
} from '../store/records.js';

/** Registration also accepts the optional Airbyte fields of SPEC §11. */
export interface RegistrationInput extends Partial<AirbyteFields> {
  id: string;
  name: string;
  type: ConnectorType;
  language: string;
  dockerRepository: string;
  dockerImageTag: string;
  cdkVersion: string;
  maintainers: string[];
  definitionId?: string;
  supportLevel?: 'community' | 'custom';
}

type WithoutMeta<E> = E extends unknown ? Omit<E, 'eventId' | 'actor' | 'at'> : never;
export type ApiEventInput = WithoutMeta<ApiEvent>;
export type InternalEventInput = WithoutMeta<InternalEvent>;

export interface SendOptions {
  /** the version the caller last saw (If-Match); 412 when it moved on */
  ifMatchVersion?: number;
  requestId?: string;
}

/** An accepted event, decided and ready to commit. */
export interface PreparedEvent {
  kind: 'accepted';
  commit: CommitInput;
  gateStarted: boolean;
}

export interface SendResult {
  connector: StoredConnector;
  /** an acceptance-test gate started (the API answers 202) */
  gateStarted: boolean;
}

/**
 * Applies events to connectors: loads the snapshot, lets the machine decide, and commits the new
 * snapshot, its history entry and its side effects in one compare-and-set step.
 */
export class LifecycleService {
  constructor(
    private readonly store: ConnectorStore,
    private readonly lifecycle: ConnectorLifecycle,
    private readonly clock: () => Date = () => new Date(),
    private readonly onTransition: (event: string, from: string, to: string) => void = () => {},
    /** LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES (empty: any) */
    private readonly allowedDockerRepositories: readonly string[] = [],
  ) {}

  async register(
    input: RegistrationInput,
    actor: Principal,
    requestId?: string,
  ): Promise<StoredConnector> {
    assertDockerRepositoryAllowed(input.dockerRepository, this.allowedDockerRepositories);
    const at = this.clock().toISOString();
    const eventId = randomUUID();
    const airbyte = emptyAirbyteFields();
    for (const name of AIRBYTE_FIELD_NAMES) {
      if (input[name] !== undefined) Object.assign(airbyte, { [name]: input[name] });
    }
    const context: ConnectorContext = {
      ...airbyte,
      archive: null,
      id: input.id,
      definitionId: input.definitionId ?? randomUUID(),
      name: input.name,
      type: input.type,
      language: input.language,
      dockerRepository: input.dockerRepository,
      dockerImageTag: input.dockerImageTag,
      cdkVersion: input.cdkVersion,
      // The registering subject is always a maintainer (SPEC §4).
      maintainers: [...new Set([...input.maintainers, actor.subject])],
      deprecation: null,
      breakingChanges: {},
      lastReleaseAt: at,
      gate: null,
      unarchiveRequest: null,
    };
    const { next: initial, effects } = registration(input.supportLevel ?? 'community', context);
    const record = firstRecord(initial, at);
    const version = await this.store.commit({
      expectedVersion: 0,
      previous: null,
      next: record,
      history: {
        eventId,
        type: 'REGISTER',
        actor: actor.subject,
        at,
        from: null,
        to: record.state,
        payload: {
          ...input,
          definitionId: context.definitionId,
          maintainers: context.maintainers,
        },
        ...(requestId ? { requestId } : {}),
      },
      outbox: outboxEntries(record, eventId, at, effects, requestId),
      runs: [],
    });
    this.onTransition('REGISTER', 'none', record.state);
    return withFields(record, { version });
  }

  /**
   * An event from the API, on behalf of `principal`, to a connector the caller has just loaded (the
   * HTTP layer loads it to answer 404 and 403 before it reads the payload); the commit's
   * compare-and-set still guards against a newer version.
   */
  async sendTo(
    current: StoredConnector,
    input: ApiEventInput,
    principal: Principal,
    options: SendOptions = {},
  ): Promise<SendResult> {
    const id = current.context.id;
    this.authorize(current, input.type, principal);
    if (options.ifMatchVersion !== undefined && options.ifMatchVersion !== current.version) {
      throw new PreconditionFailedError(
        `If-Match names version ${options.ifMatchVersion} but connector "${id}" is at version ${current.version}.`,
        { currentVersion: current.version },
      );
    }
    const event: ApiEvent = this.withMeta(input, principal.subject);
    const committed = await this.apply(current, event, options.requestId);
    if (committed.kind === 'stale') {
      // API events never come back stale; keep the type checker honest.
      throw new EventNotAllowedError(`Event ${input.type} is not allowed now.`);
    }
    return { connector: committed.connector, gateStarted: committed.gateStarted };
  }

  /**
   * An event from a worker (acceptance result, timer). A lost compare-and-set is retried with the
   * fresh snapshot; an event that no longer applies is reported as stale and changes nothing.
   */
  async sendInternal(
    id: string,
    input: InternalEventInput,
    options: { requestId?: string; eventId?: string } = {},
  ): Promise<'accepted' | 'stale'> {
    const result = await this.sendAsSystem(id, input, options);
    return result.kind;
  }

  /**
   * An event on behalf of the service itself (workers, the archival sweep), retried on a lost
   * compare-and-set. Refusals (not allowed now, policy) are thrown as for the API.
   */
  async sendAsSystem(
    id: string,
    input: ApiEventInput | InternalEventInput,
    options: { requestId?: string; eventId?: string; actor?: string } = {},
  ): Promise<{ kind: 'accepted'; connector: StoredConnector } | { kind: 'stale' }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.require(id);
      const event: ConnectorEvent = this.withMeta(
        input,
        options.actor ?? 'system',
        options.eventId,
      );
      try {
        const result = await this.apply(current, event, options.requestId);
        return result.kind === 'stale' ? result : { kind: 'accepted', connector: result.connector };
      } catch (err) {
        if (!(err instanceof ConcurrentChangeError) || attempt + 1 >= CAS_MAX_ATTEMPTS) throw err;
        await casBackoff(attempt);
      }
    }
  }

  /**
   * One attempt of an event on behalf of the service, on a snapshot the caller loaded and judged
   * (the archival sweep): a lost compare-and-set, on the version or on `guard`, is thrown as
   * ConcurrentChangeError for the caller to judge the fresh data again, never retried here.
   */
  async sendAsSystemOnce(
    current: StoredConnector,
    input: ApiEventInput | InternalEventInput,
    options: { eventId?: string; actor?: string; guard?: CommitGuard } = {},
  ): Promise<{ kind: 'accepted'; connector: StoredConnector } | { kind: 'stale' }> {
    const event: ConnectorEvent = this.withMeta(input, options.actor ?? 'system', options.eventId);
    const result = await this.apply(current, event, undefined, options.guard);
    return result.kind === 'stale' ? result : { kind: 'accepted', connector: result.connector };
  }

  private async apply(
    current: StoredConnector,
    event: ConnectorEvent,
    requestId: string | undefined,
    guard?: CommitGuard,
  ): Promise<
    { kind: 'accepted'; connector: StoredConnector; gateStarted: boolean } | { kind: 'stale' }
  > {
    const prepared = this.prepare(current, event, requestId, guard);
    if (prepared.kind === 'stale') return prepared;
    const version = await this.store.commit(prepared.commit);
    this.onTransition(event.type, current.state, prepared.commit.next.state);
    return {
      kind: 'accepted',
      connector: withFields(prepared.commit.next, { version }),
      gateStarted: prepared.gateStarted,
    };
  }

  /**
   * An event on behalf of `actor`, decided but not committed (refusals are thrown): for dry runs,
   * and for batches committed together with `commitPrepared`.
   */
  prepareEvent(
    current: StoredConnector,
    input: ApiEventInput,
    actor: string,
    requestId?: string,
  ): PreparedEvent {
    const prepared = this.prepare(current, this.withMeta(input, actor), requestId);
    if (prepared.kind === 'stale') {
      throw new EventNotAllowedError(`Event ${input.type} is not allowed now.`);
    }
    return prepared;
  }

  /** Commits prepared events in one pipeline; each result is the connector or its error. */
  async commitPrepared(prepared: PreparedEvent[]): Promise<(StoredConnector | LifecycleError)[]> {
    const results = await this.store.commitMany(prepared.map((p) => p.commit));
    return results.map((result, i) => {
      if (typeof result !== 'number') return result;
      const { commit } = prepared[i]!;
      this.onTransition(commit.history.type, commit.previous?.state ?? 'none', commit.next.state);
      return withFields(commit.next, { version: result });
    });
  }

  private prepare(
    current: StoredConnector,
    event: ConnectorEvent,
    requestId: string | undefined,
    guard?: CommitGuard,
  ): PreparedEvent | { kind: 'stale' } {
    const decision = this.lifecycle.decide(
      { state: current.state, context: current.context },
      event,
    );
    switch (decision.kind) {
      case 'notAllowed':
        throw new EventNotAllowedError(
          `Event ${event.type} is not allowed in state ${decision.state}; allowed: ${decision.allowedEvents.join(', ') || 'none'}.`,
          { state: decision.state, allowedEvents: decision.allowedEvents },
        );
      case 'blocked':
        throw new PolicyViolationError(decision.violation.code, decision.violation.message, {
          state: decision.state,
          ...decision.violation.details,
        });
      case 'stale':
        return { kind: 'stale' };
      case 'accepted':
        break;
    }
    if (event.type === 'REQUEST_UNARCHIVE') {
      assertDockerRepositoryAllowed(
        current.context.dockerRepository,
        this.allowedDockerRepositories,
      );
    }
    const next: ConnectorRecord = {
      machineVersion: MACHINE_VERSION,
      state: decision.next.state,
      context: decision.next.context,
      createdAt: current.createdAt,
      updatedAt: event.at,
    };
    const runs = decision.effects.flatMap((effect): AcceptanceRunRecord[] =>
      effect.kind === 'acceptance'
        ? [
            queuedAcceptanceRun({
              id: effect.runId,
              connectorId: current.context.id,
              eventId: event.eventId,
              eventType: event.type,
              purpose: effect.purpose,
              image: effect.image,
              queuedAt: event.at,
            }),
          ]
        : [],
    );
    const { eventId, actor, at, ...payload } = event;
    const history: CommitInput['history'] = {
      eventId,
      type: event.type,
      actor,
      at,
      from: current.state,
      to: next.state,
      payload,
    };
    if (requestId) history.requestId = requestId;
    const commit: CommitInput = {
      expectedVersion: current.version,
      previous: current,
      next,
      history,
      outbox: outboxEntries(next, eventId, at, decision.effects, requestId),
      runs,
    };
    if (guard) commit.guard = guard;
    return { kind: 'accepted', gateStarted: runs.length > 0, commit };
  }

  /** 403 unless the principal may send this event type to this connector (SPEC §4). */
  authorize(current: StoredConnector, type: ApiEventType, principal: Principal): void {
    const rule = EVENT_PERMISSIONS[type];
    if (hasRole(principal, rule.role)) return;
    if (rule.kind === 'maintainerOrRole' && current.context.maintainers.includes(principal.subject))
      return;
    const who =
      rule.kind === 'maintainerOrRole'
        ? `a maintainer of "${current.context.id}" or the ${rule.role} role`
        : `the ${rule.role} role`;
    throw new ForbiddenError(
      `${type} needs ${who}; you are "${principal.subject}" (${principal.role}).`,
      {
        requiredRole: rule.role,
      },
    );
  }

  private withMeta<T extends ApiEventInput | InternalEventInput>(
    input: T,
    actor: string,
    eventId: string = randomUUID(),
  ): T & EventMeta {
    // T has none of the meta fields: adding them replaces nothing
    return withFields(input, { eventId, actor, at: this.clock().toISOString() }) as T & EventMeta;
  }
}
