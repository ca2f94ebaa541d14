import type { FacetField, Severity } from '@/lib/gql/graphql';

/** Time ranges ending now, and "custom" for a range picked by hand. */
export type RangePreset = '15m' | '1h' | '24h' | '7d' | '30d' | 'all';
export type RangeChoice = RangePreset | 'custom';

export type RangeOption = { id: RangeChoice; label: string; ms: number | null };

export const rangeOptions: RangeOption[] = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 24 * 3_600_000 },
  { id: 'all', label: 'All time', ms: null },
  { id: 'custom', label: 'Custom range', ms: null },
];

export const DEFAULT_RANGE: RangePreset = '24h';

/**
 * The explorer's filter as the address bar holds it (shareable). Empty
 * strings and empty lists mean "any"; from/to are ISO instants, used only
 * with range "custom".
 */
export type ExplorerFilterState = {
  range: RangeChoice;
  from: string;
  to: string;
  severities: Severity[];
  classUids: number[];
  search: string;
  ip: string;
  srcIp: string;
  dstIp: string;
  user: string;
  host: string;
  sourcetype: string;
  country: string;
  threatOnly: boolean;
};

export const emptyExplorerFilter: ExplorerFilterState = {
  range: DEFAULT_RANGE,
  from: '',
  to: '',
  severities: [],
  classUids: [],
  search: '',
  ip: '',
  srcIp: '',
  dstIp: '',
  user: '',
  host: '',
  sourcetype: '',
  country: '',
  threatOnly: false,
};

/** The text fields of the filter bar, applied together on Enter or "Apply". */
export type TextFilterKey = 'search' | 'ip' | 'user' | 'host' | 'country';

/** The facets the sidebar shows, in its order, each with its heading. */
export const facetFields: { field: FacetField; label: string }[] = [
  { field: 'SEVERITY', label: 'Severity' },
  { field: 'CLASS', label: 'Class' },
  { field: 'USER', label: 'User' },
  { field: 'SRC_IP', label: 'Source IP' },
  { field: 'DST_IP', label: 'Destination IP' },
  { field: 'COUNTRY', label: 'Country' },
  { field: 'HOST', label: 'Host' },
  { field: 'SOURCETYPE', label: 'Source type' },
];
