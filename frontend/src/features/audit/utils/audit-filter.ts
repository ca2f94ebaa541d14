import type { AuditFilterState } from '@/features/audit/types/audit-filter';
import type { AuditFilter } from '@/lib/gql/graphql';

/** A datetime-local value ("2026-11-22T20:09") read in the reader's time zone, as RFC 3339 UTC. */
export function localToRfc3339(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The GraphQL filter for the given state; undefined when nothing is filtered. */
export function toAuditFilter(state: AuditFilterState): AuditFilter | undefined {
  const filter: AuditFilter = {};
  if (state.action.trim()) filter.action = state.action.trim();
  if (state.actorId.trim()) filter.actorId = state.actorId.trim();
  const from = localToRfc3339(state.from);
  if (from) filter.from = from;
  const to = localToRfc3339(state.to);
  if (to) filter.to = to;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

export type ExportFormat = 'csv' | 'json';

/**
 * The export endpoint's address for a format and filter. It takes action,
 * from and to; the actor filter does not apply to exports.
 */
export function auditExportUrl(format: ExportFormat, filter: AuditFilter | undefined): string {
  const params = new URLSearchParams({ format });
  if (filter?.action) params.set('action', filter.action);
  if (filter?.from) params.set('from', filter.from);
  if (filter?.to) params.set('to', filter.to);
  return `/api/v1/audit/export?${params.toString()}`;
}
