import { describe, expect, it } from 'vitest';
import { emptyAuditFilter } from '@/features/audit/types/audit-filter';
import { auditExportUrl, localToRfc3339, toAuditFilter } from '@/features/audit/utils/audit-filter';

describe('toAuditFilter', () => {
  it('is undefined when nothing is set', () => {
    expect(toAuditFilter(emptyAuditFilter)).toBeUndefined();
    expect(toAuditFilter({ action: '  ', actorId: '', from: '', to: '' })).toBeUndefined();
  });

  it('sets only the fields given, trimmed, with local times as RFC 3339 UTC', () => {
    expect(
      toAuditFilter({
        action: ' auth.login.failed ',
        actorId: 'u-7',
        from: '2026-11-01T08:30',
        to: '2026-11-02T18:00',
      }),
    ).toEqual({
      action: 'auth.login.failed',
      actorId: 'u-7',
      from: new Date(2026, 10, 1, 8, 30).toISOString(),
      to: new Date(2026, 10, 2, 18, 0).toISOString(),
    });
  });

  it('ignores a time that is not one', () => {
    expect(localToRfc3339('not a date')).toBeNull();
    expect(toAuditFilter({ ...emptyAuditFilter, from: 'garbage' })).toBeUndefined();
  });
});

describe('auditExportUrl', () => {
  it('carries the format and the action and time filters', () => {
    const url = auditExportUrl('csv', {
      action: 'apikey.created',
      actorId: 'u-7',
      from: '2026-11-01T07:30:00.000Z',
      to: '2026-11-02T17:00:00.000Z',
    });
    const parsed = new URL(url, 'http://x.invalid');
    expect(parsed.pathname).toBe('/api/v1/audit/export');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      format: 'csv',
      action: 'apikey.created',
      from: '2026-11-01T07:30:00.000Z',
      to: '2026-11-02T17:00:00.000Z',
    });
  });

  it('is the whole log without a filter', () => {
    expect(auditExportUrl('json', undefined)).toBe('/api/v1/audit/export?format=json');
  });
});
