import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { gql, type ExecutionResult, type Operation } from '@urql/core';
import { Provider } from 'urql';
import { usePolledQuery } from '@/lib/use-polled-query';
import { createTestClient, graphqlError } from '@/testing/test-client';

type Range = { from: string; to: string };

const StatsQuery = gql<{ stats: { to: string } }, Range>`
  query Stats($from: Time!, $to: Time!) {
    stats(from: $from, to: $to) {
      to
    }
  }
`;

function setup(answer: (op: Operation) => ExecutionResult) {
  const query = vi.fn(answer);
  const client = createTestClient({ query });
  const wrapper = ({ children }: { children: ReactNode }) => <Provider value={client}>{children}</Provider>;
  const hook = renderHook(
    ({ to }: { to: string }) => usePolledQuery(StatsQuery, { from: '2026-11-22T11:00:00Z', to }, 'Stats'),
    { wrapper, initialProps: { to: '2026-11-22T12:00:00Z' } },
  );
  return { query, ...hook };
}

const answer = (op: Operation): ExecutionResult => ({ data: { stats: { to: (op.variables as Range).to } } });

describe('usePolledQuery', () => {
  it('asks again for new variables, always under the same key', async () => {
    const { query, result, rerender } = setup(answer);
    await waitFor(() => expect(result.current.fetching).toBe(false));
    expect(result.current.dataVariables?.to).toBe('2026-11-22T12:00:00Z');

    rerender({ to: '2026-11-22T12:00:15Z' });
    await waitFor(() => expect(result.current.dataVariables?.to).toBe('2026-11-22T12:00:15Z'));
    rerender({ to: '2026-11-22T12:00:15Z' });
    rerender({ to: '2026-11-22T12:00:30Z' });
    await waitFor(() => expect(result.current.dataVariables?.to).toBe('2026-11-22T12:00:30Z'));

    const operations = query.mock.calls.map(([op]) => op);
    expect(operations.map((op) => (op.variables as Range).to)).toEqual([
      '2026-11-22T12:00:00Z',
      '2026-11-22T12:00:15Z',
      '2026-11-22T12:00:30Z',
    ]);
    // One key: urql's document cache keeps one answer, not one per refresh.
    expect(new Set(operations.map((op) => op.key)).size).toBe(1);
    expect(operations.every((op) => op.context.requestPolicy === 'network-only')).toBe(true);
  });

  it('keeps the last data when a request fails, with the error', async () => {
    let fail = false;
    const { result, rerender } = setup((op) =>
      fail ? graphqlError('database unavailable', 'UNAVAILABLE') : answer(op),
    );
    await waitFor(() => expect(result.current.data).toBeDefined());

    fail = true;
    act(() => rerender({ to: '2026-11-22T12:00:15Z' }));
    await waitFor(() => expect(result.current.error?.message).toContain('database unavailable'));
    expect(result.current.data).toEqual({ stats: { to: '2026-11-22T12:00:00Z' } });
    expect(result.current.dataVariables?.to).toBe('2026-11-22T12:00:00Z');
    expect(result.current.fetching).toBe(false);
  });
});
