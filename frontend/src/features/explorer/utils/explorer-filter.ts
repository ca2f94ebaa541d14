import {
  DEFAULT_RANGE,
  emptyExplorerFilter,
  rangeOptions,
  type ExplorerFilterState,
  type RangeChoice,
} from '@/features/explorer/types/explorer-filter';
import { severities } from '@/components/severity-badge';
import { ocsfClasses, ocsfClassName } from '@/lib/ocsf';
import type { EventFilter, FacetField, Severity } from '@/lib/gql/graphql';

// Names of the address bar's parameters.
const P = {
  range: 'range',
  from: 'from',
  to: 'to',
  severity: 'severity',
  classUid: 'class',
  search: 'q',
  ip: 'ip',
  srcIp: 'src',
  dstIp: 'dst',
  user: 'user',
  host: 'host',
  sourcetype: 'sourcetype',
  country: 'country',
  threat: 'threat',
} as const;

/** The parameter that names the event open in the drawer. */
export const EVENT_PARAM = 'event';

function isRange(value: string | null): value is RangeChoice {
  return rangeOptions.some((option) => option.id === value);
}

/** Reads the filter from the address bar; unknown or malformed values are ignored. */
export function parseExplorerFilter(params: URLSearchParams): ExplorerFilterState {
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const text = (name: string) => params.get(name)?.trim() ?? '';
  const range = params.get(P.range);
  const from = text(P.from);
  const to = text(P.to);
  const custom = range === 'custom' && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to));
  const wanted = list(P.severity).map((s) => s.toUpperCase());
  return {
    range: custom ? 'custom' : isRange(range) && range !== 'custom' ? range : DEFAULT_RANGE,
    from: custom ? from : '',
    to: custom ? to : '',
    severities: severities.filter((s) => wanted.includes(s)),
    classUids: [
      ...new Set(
        list(P.classUid)
          .filter((v) => /^\d+$/.test(v))
          .map(Number),
      ),
    ].sort((a, b) => a - b),
    search: text(P.search),
    ip: text(P.ip),
    srcIp: text(P.srcIp),
    dstIp: text(P.dstIp),
    user: text(P.user),
    host: text(P.host),
    sourcetype: text(P.sourcetype),
    country: text(P.country).toUpperCase(),
    threatOnly: params.get(P.threat) === '1',
  };
}

/** Writes the filter to address-bar parameters, leaving out what is at its default. */
export function explorerFilterParams(state: ExplorerFilterState, eventId: string | null = null): URLSearchParams {
  const params = new URLSearchParams();
  if (state.range !== DEFAULT_RANGE) params.set(P.range, state.range);
  if (state.range === 'custom') {
    params.set(P.from, state.from);
    params.set(P.to, state.to);
  }
  if (state.severities.length > 0) params.set(P.severity, state.severities.map((s) => s.toLowerCase()).join(','));
  if (state.classUids.length > 0) params.set(P.classUid, state.classUids.join(','));
  const texts: [string, string][] = [
    [P.search, state.search],
    [P.ip, state.ip],
    [P.srcIp, state.srcIp],
    [P.dstIp, state.dstIp],
    [P.user, state.user],
    [P.host, state.host],
    [P.sourcetype, state.sourcetype],
    [P.country, state.country],
  ];
  for (const [name, value] of texts) if (value.trim()) params.set(name, value.trim());
  if (state.threatOnly) params.set(P.threat, '1');
  if (eventId) params.set(EVENT_PARAM, eventId);
  return params;
}

/**
 * The GraphQL filter for the state, with a preset range ending at nowMs.
 * Values that do not validate are left out (the filter bar shows why).
 */
export function toExplorerEventFilter(state: ExplorerFilterState, nowMs: number): EventFilter | undefined {
  const filter: EventFilter = {};
  const preset = rangeOptions.find((option) => option.id === state.range);
  if (state.range === 'custom') {
    filter.from = new Date(state.from).toISOString();
    filter.to = new Date(state.to).toISOString();
  } else if (preset?.ms) {
    filter.from = new Date(nowMs - preset.ms).toISOString();
  }
  if (state.severities.length > 0) filter.severity = [...state.severities].sort();
  if (state.classUids.length > 0) filter.classUid = [...state.classUids];
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.ip.trim() && !ipOrCidrError(state.ip)) filter.ip = state.ip.trim();
  if (state.srcIp.trim() && !ipOrCidrError(state.srcIp)) filter.srcIp = state.srcIp.trim();
  if (state.dstIp.trim() && !ipOrCidrError(state.dstIp)) filter.dstIp = state.dstIp.trim();
  if (state.user.trim()) filter.user = state.user.trim();
  if (state.host.trim()) filter.host = state.host.trim();
  if (state.sourcetype.trim()) filter.sourcetype = state.sourcetype.trim();
  if (state.country.trim() && !countryError(state.country)) filter.country = state.country.trim().toUpperCase();
  if (state.threatOnly) filter.threatMatched = true;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** Whether anything other than the time range narrows the events. */
export function hasFieldFilters(state: ExplorerFilterState): boolean {
  const { range: _range, from: _from, to: _to, ...fields } = state;
  const { range: _r, from: _f, to: _t, ...empty } = emptyExplorerFilter;
  return JSON.stringify(fields) !== JSON.stringify(empty);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function validIpv4(address: string): boolean {
  const match = IPV4.exec(address);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255 && String(Number(part)) === part);
}

function validIpv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  let count = 0;
  for (const [i, group] of groups.entries()) {
    // An embedded IPv4 address may end it (::ffff:192.0.2.1) and counts as two groups.
    if (i === groups.length - 1 && group.includes('.')) {
      if (!validIpv4(group)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** Why a value is not an IP address or CIDR range, or null when it is one (or empty). */
export function ipOrCidrError(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  const [address = '', prefix, ...rest] = text.split('/');
  const v4 = validIpv4(address);
  const v6 = !v4 && validIpv6(address);
  const example = 'e.g. 10.0.0.5, 10.0.0.0/8 or 2001:db8::/32';
  if (rest.length > 0 || (!v4 && !v6)) return `"${text}" is not an IP address or CIDR range (${example}).`;
  if (prefix !== undefined) {
    const max = v4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      return `The prefix length of "${text}" must be a number from 0 to ${max}.`;
    }
  }
  return null;
}

/** Why a value is not a two-letter country code, or null when it is one (or empty). */
export function countryError(value: string): string | null {
  const text = value.trim();
  if (!text || /^[A-Za-z]{2}$/.test(text)) return null;
  return 'Enter a two-letter country code (ISO 3166-1), e.g. DE or US.';
}

/** Why a custom range cannot be used, or null. */
export function customRangeError(from: string, to: string): string | null {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start) || Number.isNaN(end)) return 'Enter both the start and the end of the range.';
  if (start >= end) return 'The start of the range must be before its end.';
  return null;
}

/** The name of an OCSF class id, e.g. 3002 → "Authentication". */
export function className(uid: number): string {
  return ocsfClassName(uid);
}

/** A class facet value (an id, or a name) as a class id, or null when unknown. */
function classUidOf(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value);
  return ocsfClasses.find((c) => c.name.toLowerCase() === value.toLowerCase())?.uid ?? null;
}

/** How a facet value reads in the sidebar. */
export function facetValueLabel(field: FacetField, value: string): string {
  if (field === 'CLASS' && /^\d+$/.test(value)) return className(Number(value));
  if (field === 'SEVERITY') return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
  return value;
}

/** The filter with a facet value added, or null when the field cannot filter (or the value is already in it). */
export function withFacetValue(
  state: ExplorerFilterState,
  field: FacetField,
  value: string,
): ExplorerFilterState | null {
  switch (field) {
    case 'SEVERITY': {
      const severity = value.toUpperCase() as Severity;
      if (!severities.includes(severity) || state.severities.includes(severity)) return null;
      return { ...state, severities: severities.filter((s) => s === severity || state.severities.includes(s)) };
    }
    case 'CLASS': {
      const uid = classUidOf(value);
      if (uid === null || state.classUids.includes(uid)) return null;
      return { ...state, classUids: [...state.classUids, uid].sort((a, b) => a - b) };
    }
    case 'USER':
      return { ...state, user: value };
    case 'SRC_IP':
      return { ...state, srcIp: value };
    case 'DST_IP':
      return { ...state, dstIp: value };
    case 'COUNTRY':
      return { ...state, country: value.toUpperCase() };
    case 'HOST':
      return { ...state, host: value };
    case 'SOURCETYPE':
      return { ...state, sourcetype: value };
    default:
      return null;
  }
}

export type ActiveFilter = { key: string; label: string; remove: (state: ExplorerFilterState) => ExplorerFilterState };

/** Every field filter in effect, as chips that remove themselves. */
export function activeFilters(state: ExplorerFilterState): ActiveFilter[] {
  const chips: ActiveFilter[] = [];
  for (const severity of state.severities) {
    chips.push({
      key: `severity:${severity}`,
      label: `Severity: ${facetValueLabel('SEVERITY', severity)}`,
      remove: (s) => ({ ...s, severities: s.severities.filter((v) => v !== severity) }),
    });
  }
  for (const uid of state.classUids) {
    chips.push({
      key: `class:${uid}`,
      label: `Class: ${className(uid)}`,
      remove: (s) => ({ ...s, classUids: s.classUids.filter((v) => v !== uid) }),
    });
  }
  const texts: [keyof ExplorerFilterState, string][] = [
    ['search', 'Words'],
    ['ip', 'IP'],
    ['srcIp', 'Source IP'],
    ['dstIp', 'Destination IP'],
    ['user', 'User'],
    ['host', 'Host'],
    ['sourcetype', 'Source type'],
    ['country', 'Country'],
  ];
  // Only what applies: a malformed address or country (from a link) is shown in the filter bar with its error.
  const invalid = (key: keyof ExplorerFilterState, value: string) =>
    key === 'country'
      ? countryError(value) !== null
      : ['ip', 'srcIp', 'dstIp'].includes(key) && ipOrCidrError(value) !== null;
  for (const [key, label] of texts) {
    const value = state[key];
    if (typeof value === 'string' && value.trim() && !invalid(key, value)) {
      chips.push({ key, label: `${label}: ${value.trim()}`, remove: (s) => ({ ...s, [key]: '' }) });
    }
  }
  if (state.threatOnly) {
    chips.push({ key: 'threat', label: 'Threat matched', remove: (s) => ({ ...s, threatOnly: false }) });
  }
  return chips;
}
