/** Events a state does not handle: 409 `notAllowed` for API events, `stale` for internal ones. */
import { describe, it, expect } from 'vitest';
import { STATE_NAMES } from '../../../machines/connector-types.js';
import {
  API_EVENT_TYPES,
  INTERNAL_EVENT_TYPES,
  type ConnectorEvent,
} from '../../../machines/connector-events.js';
import {
  SPEC_ALLOWED_EVENTS,
  T0,
  apiEventOf,
  ev,
  newLifecycle,
  reach,
  type KnownState,
} from './fixtures.js';

const lifecycle = newLifecycle();

describe('allowedEvents', () => {
  it.each(STATE_NAMES.map((s) => [s]))('%s allows exactly the API events of SPEC §2', (name) => {
    expect([...lifecycle.allowedEvents(name)].sort()).toEqual(
      [...SPEC_ALLOWED_EVENTS[name]].sort(),
    );
  });

  it('never lists internal events', () => {
    for (const name of STATE_NAMES) {
      for (const type of INTERNAL_EVENT_TYPES) {
        expect(lifecycle.allowedEvents(name)).not.toContain(type);
      }
    }
  });

  it('lists allowed events in the API order, stable across calls', () => {
    for (const name of STATE_NAMES) {
      const allowed = lifecycle.allowedEvents(name);
      const order = allowed.map((t) => API_EVENT_TYPES.indexOf(t));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(lifecycle.allowedEvents(name)).toEqual(allowed);
    }
  });

  it('every allowed event is accepted in that state (with a valid payload)', () => {
    for (const name of STATE_NAMES) {
      const from = reach(lifecycle, name);
      for (const type of lifecycle.allowedEvents(name)) {
        expect([name, type, lifecycle.decide(from, apiEventOf(type)).kind]).toEqual([
          name,
          type,
          'accepted',
        ]);
      }
    }
  });
});

describe('every API event outside allowedEvents is refused with 409', () => {
  const cases: [KnownState, (typeof API_EVENT_TYPES)[number]][] = STATE_NAMES.flatMap((name) =>
    API_EVENT_TYPES.filter((t) => !SPEC_ALLOWED_EVENTS[name].includes(t)).map(
      (t) => [name, t] as [KnownState, (typeof API_EVENT_TYPES)[number]],
    ),
  );

  it('covers the whole matrix of states × refused events', () => {
    const allowedCount = STATE_NAMES.reduce((n, s) => n + SPEC_ALLOWED_EVENTS[s].length, 0);
    expect(cases).toHaveLength(STATE_NAMES.length * API_EVENT_TYPES.length - allowedCount);
  });

  it.each(cases)('%s refuses %s', (name, type) => {
    const from = reach(lifecycle, name);
    const decision = lifecycle.decide(from, apiEventOf(type));
    expect(decision).toEqual({
      kind: 'notAllowed',
      state: name,
      allowedEvents: lifecycle.allowedEvents(name),
    });
    // and with a payload a guard would also refuse, the state check comes first (409, not 422)
    if (type === 'DEPRECATE') {
      expect(lifecycle.decide(from, ev.deprecate({ noticeDays: 1 })).kind).toBe('notAllowed');
    }
    if (type === 'PUBLISH_RELEASE') {
      expect(lifecycle.decide(from, ev.publishRelease({ dockerImageTag: 'bad' })).kind).toBe(
        'notAllowed',
      );
    }
  });
});

describe('specific refusals of SPEC §2', () => {
  it.each(['custom.contributing', 'community.certifying', 'archived.unarchiveTesting'] as const)(
    'PUBLISH_RELEASE is refused while acceptance tests run (%s)',
    (name) => {
      const from = reach(lifecycle, name);
      expect(from.context.gate).not.toBeNull();
      const decision = lifecycle.decide(from, ev.publishRelease({ dockerImageTag: '5.0.0' }));
      expect(decision).toEqual({ kind: 'notAllowed', state: name, allowedEvents: [] });
    },
  );

  it.each(['archived.idle', 'archived.unarchiveReview'] as const)(
    'PUBLISH_RELEASE is refused when archived (%s)',
    (name) => {
      const decision = lifecycle.decide(
        reach(lifecycle, name),
        ev.publishRelease({ dockerImageTag: '5.0.0' }),
      );
      expect(decision.kind).toBe('notAllowed');
      if (decision.kind === 'notAllowed')
        expect(decision.allowedEvents).not.toContain('PUBLISH_RELEASE');
    },
  );

  it('ARCHIVE is refused on certified.active: it must be deprecated first', () => {
    expect(lifecycle.decide(reach(lifecycle, 'certified.active'), ev.archive())).toEqual({
      kind: 'notAllowed',
      state: 'certified.active',
      allowedEvents: ['DEMOTE', 'DEPRECATE', 'PUBLISH_RELEASE'],
    });
  });

  it('ARCHIVE is refused on certified.deprecated: the notice period runs to the end', () => {
    expect(lifecycle.decide(reach(lifecycle, 'certified.deprecated'), ev.archive())).toEqual({
      kind: 'notAllowed',
      state: 'certified.deprecated',
      allowedEvents: ['CANCEL_DEPRECATION', 'PUBLISH_RELEASE'],
    });
  });

  it('DEMOTE is only for certified connectors', () => {
    for (const name of [
      'community.active',
      'community.deprecated',
      'certified.deprecated',
    ] as const) {
      expect(lifecycle.decide(reach(lifecycle, name), ev.demote()).kind).toBe('notAllowed');
    }
  });

  it('a deprecated connector cannot be deprecated again or certified', () => {
    for (const name of ['community.deprecated', 'certified.deprecated'] as const) {
      const from = reach(lifecycle, name);
      expect(lifecycle.decide(from, ev.deprecate({ noticeDays: 365 })).kind).toBe('notAllowed');
      expect(lifecycle.decide(from, ev.requestCertification()).kind).toBe('notAllowed');
    }
  });

  it('REQUEST_UNARCHIVE is refused while a request is being tested or reviewed', () => {
    for (const name of ['archived.unarchiveTesting', 'archived.unarchiveReview'] as const) {
      expect(lifecycle.decide(reach(lifecycle, name), ev.requestUnarchive()).kind).toBe(
        'notAllowed',
      );
    }
  });
});

describe('internal events that do not apply are stale, never 409', () => {
  function internalEvents(): ConnectorEvent[] {
    return [ev.passed('run-x'), ev.failed('run-x'), ev.archiveDue(T0, { usageRecovered: true })];
  }
  const gated = new Set<KnownState>([
    'custom.contributing',
    'community.certifying',
    'archived.unarchiveTesting',
  ]);
  const deprecated = new Set<KnownState>(['community.deprecated', 'certified.deprecated']);

  it.each(STATE_NAMES.map((s) => [s]))('%s', (name) => {
    const from = reach(lifecycle, name);
    for (const event of internalEvents()) {
      const decision = lifecycle.decide(from, event);
      expect(decision).toEqual({ kind: 'stale', state: name });
    }
    // the events that do apply here are accepted with the right run id / archiveAt
    if (gated.has(name)) {
      expect(lifecycle.decide(from, ev.passed(from.context.gate!.runId)).kind).toBe('accepted');
    }
    if (deprecated.has(name)) {
      expect(lifecycle.decide(from, ev.archiveDue(from.context.deprecation!.archiveAt)).kind).toBe(
        'accepted',
      );
    }
  });
});

describe('refusals change nothing', () => {
  it('returns no next state and no effects, and leaves the input untouched', () => {
    const from = reach(lifecycle, 'certified.active');
    const before = structuredClone(from);
    for (const event of [
      ev.archive(),
      ev.deprecate({ noticeDays: 1 }),
      ev.passed('run-x'),
      ev.publishRelease({ dockerImageTag: '0.0.1' }),
    ]) {
      const decision = lifecycle.decide(from, event);
      expect(decision.kind).not.toBe('accepted');
      expect(decision).not.toHaveProperty('effects');
      expect(decision).not.toHaveProperty('next');
    }
    expect(from).toEqual(before);
  });
});
