import { describe, expect, it } from 'vitest';
import { emptyExplorerFilter } from '@/features/explorer/types/explorer-filter';
import {
  activeFilters,
  explorerFilterParams,
  ipOrCidrError,
  parseExplorerFilter,
  toExplorerEventFilter,
  withFacetValue,
} from '@/features/explorer/utils/explorer-filter';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('the explorer filter in the address bar', () => {
  it('round-trips every field', () => {
    const state = {
      ...emptyExplorerFilter,
      range: 'custom' as const,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      severities: ['CRITICAL' as const, 'HIGH' as const],
      classUids: [3002, 4001],
      search: 'failed password',
      ip: '10.0.0.0/8',
      srcIp: '203.0.113.7',
      dstIp: '198.51.100.1',
      user: 'alice',
      host: 'web-01',
      sourcetype: 'cef',
      country: 'DE',
      threatOnly: true,
    };
    const params = explorerFilterParams(state, 'evt-1');
    expect(params.get('severity')).toBe('critical,high');
    expect(params.get('event')).toBe('evt-1');
    expect(parseExplorerFilter(params)).toEqual(state);
  });

  it('leaves defaults out and ignores malformed values', () => {
    expect(explorerFilterParams(emptyExplorerFilter).toString()).toBe('');
    const parsed = parseExplorerFilter(new URLSearchParams('range=5y&severity=bad,low&class=x,3002&threat=yes'));
    expect(parsed).toEqual({ ...emptyExplorerFilter, severities: ['LOW'], classUids: [3002] });
    // A custom range without valid bounds falls back to the default range.
    expect(parseExplorerFilter(new URLSearchParams('range=custom&from=nope')).range).toBe('24h');
  });
});

describe('toExplorerEventFilter', () => {
  it('turns a preset range into a start before now', () => {
    expect(toExplorerEventFilter({ ...emptyExplorerFilter, range: '1h' }, NOW)).toEqual({
      from: '2026-11-22T11:00:00.000Z',
    });
    expect(toExplorerEventFilter({ ...emptyExplorerFilter, range: 'all' }, NOW)).toBeUndefined();
  });

  it('maps fields to the GraphQL filter, leaving out invalid addresses', () => {
    const filter = toExplorerEventFilter(
      {
        ...emptyExplorerFilter,
        range: 'all',
        severities: ['LOW', 'CRITICAL'],
        classUids: [3002],
        ip: '10.0.0.0/33',
        srcIp: '192.0.2.1',
        user: ' alice ',
        country: 'de',
        threatOnly: true,
      },
      NOW,
    );
    expect(filter).toEqual({
      severity: ['CRITICAL', 'LOW'],
      classUid: [3002],
      srcIp: '192.0.2.1',
      user: 'alice',
      country: 'DE',
      threatMatched: true,
    });
  });
});

describe('ipOrCidrError', () => {
  it.each(['10.0.0.5', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '::1', 'fe80::1:2:3:4', '::ffff:192.0.2.1', ''])(
    'accepts %s',
    (value) => expect(ipOrCidrError(value)).toBeNull(),
  );

  it.each([
    ['10.0.0.256', 'is not an IP address or CIDR range'],
    ['10.0.0/8', 'is not an IP address or CIDR range'],
    ['hello', 'is not an IP address or CIDR range'],
    ['10.0.0.0/33', 'from 0 to 32'],
    ['2001:db8::/129', 'from 0 to 128'],
    ['1:2:3:4:5:6:7:8:9', 'is not an IP address or CIDR range'],
  ])('refuses %s', (value, message) => expect(ipOrCidrError(value)).toContain(message));
});

describe('facets', () => {
  it('adds a facet value to the filter, once', () => {
    const withHigh = withFacetValue(emptyExplorerFilter, 'SEVERITY', 'high');
    expect(withHigh?.severities).toEqual(['HIGH']);
    expect(withFacetValue(withHigh!, 'SEVERITY', 'HIGH')).toBeNull();
    expect(withFacetValue(emptyExplorerFilter, 'CLASS', 'Authentication')?.classUids).toEqual([3002]);
    expect(withFacetValue(emptyExplorerFilter, 'CLASS', '4001')?.classUids).toEqual([4001]);
    expect(withFacetValue(emptyExplorerFilter, 'SRC_IP', '203.0.113.7')?.srcIp).toBe('203.0.113.7');
    expect(withFacetValue(emptyExplorerFilter, 'STATUS', 'failure')).toBeNull();
  });

  it('lists the filters in effect as removable chips', () => {
    const state = { ...emptyExplorerFilter, severities: ['HIGH' as const], user: 'alice', classUids: [3002] };
    const chips = activeFilters(state);
    expect(chips.map((chip) => chip.label)).toEqual(['Severity: High', 'Class: Authentication', 'User: alice']);
    expect(chips[2]!.remove(state).user).toBe('');
  });

  it('shows no chip for a value that does not apply', () => {
    const state = { ...emptyExplorerFilter, ip: '10.0.0.0/99', country: 'Germany', srcIp: '192.0.2.1' };
    expect(activeFilters(state).map((chip) => chip.label)).toEqual(['Source IP: 192.0.2.1']);
  });
});
