/** The rules that left the services for machines/: each against the pure code. */
import { describe, expect, it } from 'vitest';
import { STATE_NAMES, SUPPORT_LEVELS } from '../../../machines/connector-types.js';
import {
  isListed,
  LISTED_SUPPORT_LEVELS,
  reminderApplies,
  reminderKey,
  reviewQuietMs,
  reviewSuggestionDue,
  sweepActionFor,
} from '../../../machines/lifecycle-rules.js';
import { registration } from '../../../machines/registration.js';
import { isEffect } from '../../../machines/effects.js';
import {
  DAY,
  T0,
  accepted,
  baseContext,
  drive,
  ev,
  newLifecycle,
  plusDays,
  reach,
} from './fixtures.js';

const lifecycle = newLifecycle();
const change = {
  message: 'renamed a stream',
  upgradeDeadline: plusDays(T0, 30),
  migrationDocumentationUrl: 'https://docs.example.com/migrate',
};

describe('catalog visibility', () => {
  it('the public catalog lists community and certified connectors, never custom or archived', () => {
    expect([...LISTED_SUPPORT_LEVELS].sort()).toEqual(['certified', 'community']);
    expect(SUPPORT_LEVELS.filter(isListed).sort()).toEqual(['certified', 'community']);
    expect(isListed('custom')).toBe(false);
    expect(isListed('archived')).toBe(false);
  });
});

describe('the archival sweep decision per level', () => {
  it('deprecates community candidates and suggests a review of certified ones', () => {
    expect(sweepActionFor('community')).toBe('deprecate');
    expect(sweepActionFor('certified')).toBe('suggest_review');
  });
});

describe('registration', () => {
  it('starts in <level>.active with connector.registered and a catalog update', () => {
    for (const level of ['community', 'custom'] as const) {
      const { next, effects } = registration(level, baseContext());
      expect(next.state).toBe(`${level}.active`);
      expect(next.context).toEqual(baseContext());
      expect(effects).toEqual([
        { kind: 'notify', type: 'connector.registered', data: { supportLevel: level } },
        { kind: 'catalog' },
      ]);
      expect(effects.every(isEffect)).toBe(true);
    }
  });
});

describe('breaking-change reminder applicability', () => {
  const context = baseContext({ breakingChanges: { '2.0.0': change } });
  const reminder = { version: '2.0.0', upgradeDeadline: change.upgradeDeadline, daysBefore: 7 };

  it('applies while the change is the connector’s and it is not archived', () => {
    for (const state of STATE_NAMES) {
      expect(reminderApplies(state, context, reminder)).toBe(!state.startsWith('archived'));
    }
  });

  it('not for a change that is gone or whose deadline moved', () => {
    expect(reminderApplies('community.active', baseContext(), reminder)).toBe(false);
    expect(
      reminderApplies('community.active', context, {
        ...reminder,
        upgradeDeadline: plusDays(T0, 31),
      }),
    ).toBe(false);
  });

  it('once per reminder', () => {
    const sent = { ...context, remindersSent: [reminderKey(reminder)] };
    expect(reminderApplies('certified.active', sent, reminder)).toBe(false);
    expect(reminderApplies('certified.active', sent, { ...reminder, daysBefore: 1 })).toBe(true);
  });

  it('the machine accepts REMINDER_DUE only when it applies, and remembers it', () => {
    const published = drive(
      lifecycle,
      reach(lifecycle, 'community.active'),
      ev.publishRelease({ dockerImageTag: '2.0.0', breakingChange: change }),
    );
    const due = ev.reminderDue('2.0.0', change.upgradeDeadline, { daysBefore: 7 });
    const d = accepted(lifecycle.decide(published, due));
    expect(d.next.state).toBe('community.active');
    expect(d.next.context.remindersSent).toEqual(['2.0.0@7']);
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.breaking_change_reminder',
        data: {
          version: '2.0.0',
          daysBefore: 7,
          upgradeDeadline: change.upgradeDeadline,
          message: change.message,
          migrationDocumentationUrl: change.migrationDocumentationUrl,
        },
      },
      { kind: 'catalog' },
    ]);
    // a retried timer: stale, nothing sent twice
    expect(lifecycle.decide(d.next, due).kind).toBe('stale');
    // a deadline that no longer matches, or an archived connector: stale
    expect(lifecycle.decide(published, { ...due, upgradeDeadline: plusDays(T0, 99) }).kind).toBe(
      'stale',
    );
    const archived = drive(lifecycle, published, ev.archive());
    expect(lifecycle.decide(archived, due).kind).toBe('stale');
  });
});

describe('review suggestion at most once per notice period', () => {
  it('is due when never suggested or when the notice period has passed', () => {
    expect(reviewSuggestionDue({}, T0, 30)).toBe(true);
    expect(reviewSuggestionDue({ reviewSuggestedAt: T0 }, plusDays(T0, 29.9), 30)).toBe(false);
    expect(reviewSuggestionDue({ reviewSuggestedAt: T0 }, plusDays(T0, 30), 30)).toBe(true);
  });

  it('waits at least a minute even with no notice', () => {
    expect(reviewQuietMs(0)).toBe(60_000);
    expect(reviewQuietMs(30)).toBe(30 * DAY);
    const at = new Date(Date.parse(T0) + 59_000).toISOString();
    expect(reviewSuggestionDue({ reviewSuggestedAt: T0 }, at, 0)).toBe(false);
  });

  it('the machine accepts SUGGEST_REVIEW on certified.active only, once per notice period', () => {
    const certified = reach(lifecycle, 'certified.active');
    const d = accepted(lifecycle.decide(certified, ev.suggestReview({ at: T0 })));
    expect(d.next.state).toBe('certified.active');
    expect(d.next.context.reviewSuggestedAt).toBe(T0);
    expect(d.effects).toEqual([
      {
        kind: 'notify',
        type: 'connector.review_suggested',
        data: { reasons: [], reason: 'low usage', sweepId: 'sweep-1' },
      },
      { kind: 'catalog' },
    ]);
    const notice = lifecycle.policy.archivalNoticeDays;
    const soon = ev.suggestReview({ at: plusDays(T0, notice - 1) });
    expect(lifecycle.decide(d.next, soon).kind).toBe('stale');
    const later = ev.suggestReview({ at: plusDays(T0, notice) });
    expect(lifecycle.decide(d.next, later).kind).toBe('accepted');
    for (const state of ['community.active', 'certified.deprecated', 'archived.idle'] as const) {
      expect(lifecycle.decide(reach(lifecycle, state), ev.suggestReview()).kind).toBe('stale');
    }
  });
});
