import { describe, expect, it } from 'vitest';
import type { FeedEvent, FeedRow } from '@/features/events/types/feed-event';
import {
  MAX_LIVE_EVENTS,
  addLiveEvent,
  emptyLiveEvents,
  mergeFirstPage,
  pruneLiveEvents,
} from '@/features/events/utils/live-events';

function event(id: string): FeedEvent {
  return { id, severity: 'INFO', host: null, message: id };
}

function loadedRow(id: string): FeedRow {
  return { event: event(id), cursor: `c-${id}` };
}

describe('addLiveEvent', () => {
  it('puts the newest first and counts', () => {
    const state = addLiveEvent(addLiveEvent(emptyLiveEvents('k'), 'k', event('a')), 'k', event('b'));
    expect(state.events.map((e) => e.id)).toEqual(['b', 'a']);
    expect(state.count).toBe(2);
  });

  it('ignores an event it holds', () => {
    const once = addLiveEvent(emptyLiveEvents('k'), 'k', event('a'));
    expect(addLiveEvent(once, 'k', event('a'))).toBe(once);
  });

  it('starts afresh for another page', () => {
    const state = addLiveEvent(addLiveEvent(emptyLiveEvents('k'), 'k', event('a')), 'other', event('b'));
    expect(state).toEqual({ key: 'other', events: [event('b')], count: 1 });
  });

  it('keeps at most MAX_LIVE_EVENTS but counts them all', () => {
    let state = emptyLiveEvents('k');
    for (let i = 0; i < MAX_LIVE_EVENTS + 5; i++) state = addLiveEvent(state, 'k', event(`e${i}`));
    expect(state.events).toHaveLength(MAX_LIVE_EVENTS);
    expect(state.count).toBe(MAX_LIVE_EVENTS + 5);
  });
});

describe('mergeFirstPage', () => {
  it('puts live events above the loaded ones and trims to the page size', () => {
    let live = emptyLiveEvents('k');
    live = addLiveEvent(live, 'k', event('new1'));
    live = addLiveEvent(live, 'k', event('new2'));

    const page = mergeFirstPage([loadedRow('a'), loadedRow('b'), loadedRow('c')], live, 3);

    expect(page.rows.map((row) => row.event.id)).toEqual(['new2', 'new1', 'a']);
    expect(page.rows.map((row) => row.cursor)).toEqual([null, null, 'c-a']);
    expect(page.added).toBe(2);
    expect(page.trimmed).toBe(true);
  });

  it('does not show or count twice a live event that the page already has', () => {
    const live = addLiveEvent(emptyLiveEvents('k'), 'k', event('a'));

    const page = mergeFirstPage([loadedRow('a'), loadedRow('b')], live, 25);

    expect(page.rows.map((row) => row.event.id)).toEqual(['a', 'b']);
    expect(page.added).toBe(0);
    expect(page.trimmed).toBe(false);
  });
});

describe('pruneLiveEvents', () => {
  it('drops what a reload brought, and counts only what is left', () => {
    let live = emptyLiveEvents('k');
    live = addLiveEvent(live, 'k', event('a'));
    live = addLiveEvent(live, 'k', event('b'));

    const pruned = pruneLiveEvents(live, new Set(['a']));

    expect(pruned.events.map((e) => e.id)).toEqual(['b']);
    expect(pruned.count).toBe(1);
  });
});
