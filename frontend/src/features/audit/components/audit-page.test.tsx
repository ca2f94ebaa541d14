import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { AuditPage } from '@/features/audit/components/audit-page';
import { saveBlob } from '@/lib/download';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

vi.mock('@/lib/download', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/download')>()),
  saveBlob: vi.fn(),
}));

function entry(id: string, action: string, overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'AuditEntry',
    id,
    at: '2026-11-22T20:09:49Z',
    actorType: 'user',
    actorId: 'u1',
    actorLabel: 'admin@acme.test',
    ip: '203.0.113.7',
    action,
    targetType: 'apikey',
    targetId: 'k1',
    details: '{"name":"SOAR","role":"ANALYST"}',
    hash: 'ab'.repeat(32),
    ...overrides,
  };
}

function logPage(entries: ReturnType<typeof entry>[], hasNextPage = false): ExecutionResult {
  return {
    data: {
      auditLog: {
        __typename: 'AuditConnection',
        totalCount: entries.length,
        edges: entries.map((node) => ({ __typename: 'AuditEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: entries.at(-1) ? `c-${entries.at(-1)!.id}` : null },
      },
    },
  };
}

function setup(auditLog: (op: Operation) => ExecutionResult, verify?: () => ExecutionResult) {
  const query = vi.fn((op: Operation) => (operationName(op) === 'VerifyAuditLog' && verify ? verify() : auditLog(op)));
  const client = createTestClient({ query });
  const user = userEvent.setup();
  renderWithProviders(<AuditPage />, { client, path: '/admin/audit', session: sessionWithRole('TENANT_ADMIN') });
  const logCalls = () => query.mock.calls.filter(([op]) => operationName(op) === 'AuditLog').map(([op]) => op);
  return { user, query, logCalls };
}

describe('AuditPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('lists entries and expands their details', async () => {
    const { user } = setup(() =>
      logPage([entry('1', 'apikey.created'), entry('2', 'auth.login.succeeded', { details: '{}' })]),
    );

    const table = await screen.findByRole('table', { name: 'Audit log' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getByText('apikey.created')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('admin@acme.test')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('apikey k1')).toBeInTheDocument();
    expect(screen.getByText('2 entries')).toBeInTheDocument();

    const toggle = within(rows[0]!).getByRole('button', { name: /Show details of apikey.created/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText(/"name": "SOAR"/)).toBeInTheDocument();
  });

  it('builds the query variables from the filters', async () => {
    const { user, logCalls } = setup(() => logPage([entry('1', 'auth.login.failed')]));
    await screen.findByRole('table', { name: 'Audit log' });
    expect(logCalls()[0]?.variables).toEqual({ filter: undefined, first: 50, after: null });

    await user.type(screen.getByRole('combobox', { name: 'Action' }), 'auth.login.failed');
    await user.type(screen.getByRole('textbox', { name: 'Actor ID' }), 'u-7');
    await user.type(screen.getByLabelText('From'), '2026-11-01T08:30');
    await user.type(screen.getByLabelText('To'), '2026-11-02T18:00');

    const want = {
      action: 'auth.login.failed',
      actorId: 'u-7',
      from: new Date(2026, 10, 1, 8, 30).toISOString(),
      to: new Date(2026, 10, 2, 18, 0).toISOString(),
    };
    await waitFor(() => expect(logCalls().at(-1)?.variables).toEqual({ filter: want, first: 50, after: null }));
    // Typing is debounced: no request for a half-typed action.
    expect(logCalls().some((op) => op.variables?.filter?.action === 'auth.login')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(logCalls().at(-1)?.variables?.filter).toBeUndefined());
  });

  it('pages on with the cursor', async () => {
    const { user, logCalls } = setup((op) =>
      op.variables?.after ? logPage([entry('9', 'auth.logout')]) : logPage([entry('1', 'auth.login.succeeded')], true),
    );
    await screen.findByRole('table', { name: 'Audit log' });

    await user.click(screen.getByRole('button', { name: 'Next' }));

    await screen.findByText('auth.logout');
    expect(logCalls().at(-1)?.variables).toMatchObject({ after: 'c-1' });
    expect(screen.getByText('Page 2')).toBeInTheDocument();
  });

  it('verifies the chain', async () => {
    let ok = true;
    const { user } = setup(
      () => logPage([entry('1', 'auth.login.succeeded')]),
      () => ({
        data: {
          verifyAuditLog: ok
            ? { __typename: 'AuditVerification', ok: true, checked: 1234, firstBadId: null, reason: null }
            : { __typename: 'AuditVerification', ok: false, checked: 40, firstBadId: '41', reason: 'hash mismatch' },
        },
      }),
    );
    await screen.findByRole('table', { name: 'Audit log' });

    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/Chain intact: 1.?234 entries checked\./);

    ok = false;
    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Chain broken at entry 41: hash mismatch. 40 entries checked.',
    );
  });

  it('exports with the current filters and the session token', async () => {
    const fetch = vi.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response('id,at,action\n', {
          status: 200,
          headers: { 'content-disposition': 'attachment; filename="audit-acme.csv"' },
        }),
    );
    vi.stubGlobal('fetch', fetch);
    const { user, logCalls } = setup(() => logPage([entry('1', 'auth.login.failed')]));
    await screen.findByRole('table', { name: 'Audit log' });
    await user.type(screen.getByRole('combobox', { name: 'Action' }), 'auth.login.failed');
    await waitFor(() => expect(logCalls().at(-1)?.variables?.filter).toEqual({ action: 'auth.login.failed' }));

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Downloaded audit-acme.csv.');
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/audit/export?format=csv&action=auth.login.failed');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer test-token');
    expect(saveBlob).toHaveBeenCalledWith(expect.anything(), 'audit-acme.csv');
  });

  it('says so when the role may not export', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('forbidden', { status: 403 })),
    );
    const { user } = setup(() => logPage([entry('1', 'auth.login.failed')]));
    await screen.findByRole('table', { name: 'Audit log' });

    await user.click(screen.getByRole('button', { name: 'Export JSON' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your role may not export the audit log.');
  });

  it('handles FORBIDDEN from the API', async () => {
    setup(() => graphqlError('forbidden', 'FORBIDDEN'));

    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
    expect(screen.queryByRole('button', { name: 'Export CSV' })).not.toBeInTheDocument();
  });
});
