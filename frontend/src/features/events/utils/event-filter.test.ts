import { describe, expect, it } from 'vitest';
import { emptyEventFilter } from '@/features/events/types/event-filter';
import { matchesFilter, toEventFilter } from '@/features/events/utils/event-filter';

const event = { severity: 'HIGH' as const, host: 'web-01', message: 'Failed password for root' };

describe('toEventFilter', () => {
  it('is undefined when nothing is set', () => {
    expect(toEventFilter(emptyEventFilter)).toBeUndefined();
    expect(toEventFilter({ severities: [], host: '  ', search: '' })).toBeUndefined();
  });

  it('sets only the fields given, trimmed', () => {
    expect(toEventFilter({ severities: ['LOW', 'HIGH'], host: ' web-01 ', search: 'root' })).toEqual({
      severity: ['HIGH', 'LOW'],
      host: 'web-01',
      search: 'root',
    });
  });
});

describe('matchesFilter', () => {
  it.each([
    ['no filter', undefined, true],
    ['severity among those chosen', { severity: ['HIGH' as const, 'CRITICAL' as const] }, true],
    ['severity not chosen', { severity: ['LOW' as const] }, false],
    ['same host', { host: 'web-01' }, true],
    ['other host', { host: 'web-02' }, false],
    ['message contains search, any case', { search: 'PASSWORD' }, true],
    ['message lacks search', { search: 'sudo' }, false],
    ['every field must match', { severity: ['HIGH' as const], host: 'web-02' }, false],
  ])('%s', (_name, filter, want) => {
    expect(matchesFilter(event, filter)).toBe(want);
  });

  it('does not match a host filter when the event has no host', () => {
    expect(matchesFilter({ ...event, host: null }, { host: 'web-01' })).toBe(false);
  });
});
