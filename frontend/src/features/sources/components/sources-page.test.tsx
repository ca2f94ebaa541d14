import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { SourcesPage } from '@/features/sources/components/sources-page';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const MINUTE = 60_000;

function source(kind: string, name: string, lastSeenAgoMs: number, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    __typename: 'IngestSource',
    kind,
    name,
    firstSeen: new Date(now - 3 * 24 * 60 * MINUTE).toISOString(),
    lastSeen: new Date(now - lastSeenAgoMs).toISOString(),
    eventsTotal: 1234,
    bytesTotal: 1536,
    quarantined: 0,
    pending: 0,
    lagSeconds: 0,
    ...extra,
  };
}

function stats(variables: { from: string; to: string }, extra: Record<string, unknown> = {}) {
  const start = Date.parse(variables.to) - 3 * MINUTE;
  return {
    __typename: 'IngestStats',
    from: variables.from,
    to: variables.to,
    stepSeconds: 60,
    events: 42,
    bytes: 10 * 1024 * 1024,
    quarantined: 2,
    backlog: 7,
    backlogOldestSeconds: 185,
    sources: [
      { __typename: 'IngestSourceStats', kind: 'syslog-tls', name: 'fw-edge-01', events: 12, bytes: 1024 },
      { __typename: 'IngestSourceStats', kind: 'hec', name: 'demo', events: 30, bytes: 2048 },
    ],
    series: [0, 1, 2].map((i) => ({
      __typename: 'IngestStatsPoint',
      time: new Date(start + i * MINUTE).toISOString(),
      events: 14,
      bytes: 100,
    })),
    ...extra,
  };
}

const defaultSources = [
  source('hec', 'demo', 10_000, {
    eventsTotal: 184_223,
    bytesTotal: 92_412_334,
    quarantined: 12,
    pending: 3,
    lagSeconds: 3,
  }),
  source('syslog-tls', 'fw-edge-01', 20 * MINUTE, { pending: 1_500, lagSeconds: 125 }),
  source('syslog-udp', 'legacy-switch', 3 * 24 * 60 * MINUTE),
];

type Answers = {
  sources?: () => ExecutionResult;
  stats?: (variables: { from: string; to: string }) => ExecutionResult;
};

function setup(answers: Answers = {}, role: 'OPERATOR' | 'MANAGER' = 'OPERATOR') {
  const query = vi.fn((op: Operation): ExecutionResult => {
    if (operationName(op) === 'IngestSources') {
      return answers.sources?.() ?? { data: { ingestSources: defaultSources } };
    }
    const variables = op.variables as { from: string; to: string };
    return answers.stats?.(variables) ?? { data: { ingestStats: stats(variables) } };
  });
  const client = createTestClient({ query });
  const user = userEvent.setup();
  renderWithProviders(<SourcesPage />, { client, path: '/operator/sources', session: sessionWithRole(role) });
  const calls = (name: string) => query.mock.calls.map(([op]) => op).filter((op) => operationName(op) === name);
  return { user, query, calls };
}

function rowOf(tableName: string, text: string) {
  const table = screen.getByRole('table', { name: tableName });
  return within(table)
    .getAllByRole('row')
    .find((row) => within(row).queryByText(text))!;
}

describe('SourcesPage', () => {
  it('lists the sources with their kind, health, last seen and totals', async () => {
    setup();

    await screen.findByRole('table', { name: 'Sources' });
    const demo = rowOf('Sources', 'demo');
    expect(within(demo).getByText('HEC')).toBeInTheDocument();
    expect(within(demo).getByText('Live')).toBeInTheDocument();
    expect(within(demo).getByText('10 seconds ago')).toHaveAttribute('title', defaultSources[0]!.lastSeen);
    expect(within(demo).getByText('184,223')).toBeInTheDocument();
    expect(within(demo).getByText('88 MiB')).toBeInTheDocument();
    expect(within(rowOf('Sources', 'fw-edge-01')).getByText('Quiet')).toBeInTheDocument();
    expect(within(rowOf('Sources', 'fw-edge-01')).getByText('Syslog TLS')).toBeInTheDocument();
    expect(within(rowOf('Sources', 'legacy-switch')).getByText('Silent')).toBeInTheDocument();
    expect(within(rowOf('Sources', 'legacy-switch')).getByText('3 days ago')).toBeInTheDocument();

    const legend = screen.getByText('Health, from the last event:').parentElement!;
    expect(legend).toHaveTextContent('Live');
    expect(legend).toHaveTextContent('sent events in the last 5 minutes');
    expect(legend).toHaveTextContent('last sent 5 to 60 minutes ago');
    expect(legend).toHaveTextContent('nothing for more than an hour');
  });

  it('shows per source what is quarantined, what waits for refinement and for how long', async () => {
    setup();

    await screen.findByRole('table', { name: 'Sources' });
    const cells = (text: string) => within(rowOf('Sources', text)).getAllByRole('cell').slice(-3);
    const [quarantined, pending, lag] = cells('demo');
    expect(within(quarantined!).getByRole('link', { name: '12 quarantined: see why' })).toHaveAttribute(
      'href',
      '/operator/quarantine',
    );
    expect(pending).toHaveTextContent('3');
    expect(lag).toHaveTextContent('3 s');
    expect(lag).not.toHaveAttribute('data-lagging');

    const [noneQuarantined, manyPending, longLag] = cells('fw-edge-01');
    expect(noneQuarantined).toHaveTextContent('0');
    expect(within(noneQuarantined!).queryByRole('link')).not.toBeInTheDocument();
    expect(manyPending).toHaveTextContent('1,500');
    expect(longLag).toHaveTextContent('2 min 5 s');
    expect(longLag).toHaveAttribute('data-lagging', 'true');

    expect(within(cells('legacy-switch')[2]!).getByLabelText('none waiting')).toBeInTheDocument();
  });

  it('summarises the period: totals, a chart of the series and the sources by events', async () => {
    setup();

    const summary = await screen.findByRole('region', { name: 'Ingest in the last hour' });
    await within(summary).findByText('Events', { selector: 'dt' });
    const tile = (term: string) => within(summary).getByText(term, { selector: 'dt' }).parentElement!;
    expect(tile('Events')).toHaveTextContent('42received in the last hour');
    expect(tile('Data')).toHaveTextContent('10 MiB');
    expect(tile('Quarantined')).toHaveTextContent('2');
    expect(within(tile('Quarantined')).getByRole('link', { name: /see why/ })).toHaveAttribute(
      'href',
      '/operator/quarantine',
    );
    expect(tile('Refine backlog')).toHaveTextContent('7 records waiting, the oldest for 3 min 5 s');

    const chart = within(summary).getByRole('img', { name: /^Events per minute from .+: 42 events in total/ });
    expect(chart.querySelectorAll('[data-bar]')).toHaveLength(3);

    const breakdown = within(summary).getByRole('table', { name: 'Sources in the last hour' });
    const names = within(breakdown)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell')[1]?.textContent);
    expect(names).toEqual(['demo', 'fw-edge-01']);
    expect(within(breakdown).getByText('71.4%')).toBeInTheDocument();
  });

  it('asks for the chosen period, ending now', async () => {
    const { user, calls } = setup();
    await screen.findByRole('table', { name: 'Sources' });
    const span = (op: Operation | undefined) => {
      const { from, to } = op!.variables as { from: string; to: string };
      return (Date.parse(to) - Date.parse(from)) / 1000;
    };
    expect(span(calls('IngestStats').at(-1))).toBe(3600);
    expect(screen.getByRole('radio', { name: '1 hour' })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: '24 hours' }));
    await waitFor(() => expect(span(calls('IngestStats').at(-1))).toBe(24 * 3600));
    expect(await screen.findByRole('region', { name: 'Ingest in the last 24 hours' })).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: '15 min' }));
    await waitFor(() => expect(span(calls('IngestStats').at(-1))).toBe(15 * 60));

    await user.click(screen.getByRole('radio', { name: '7 days' }));
    await waitFor(() => expect(span(calls('IngestStats').at(-1))).toBe(7 * 24 * 3600));
    const to = Date.parse((calls('IngestStats').at(-1)!.variables as { to: string }).to);
    expect(Math.abs(Date.now() - to)).toBeLessThan(5_000);
  });

  it('refreshes both on demand and says when the data is from', async () => {
    const { user, calls } = setup();
    await screen.findByRole('table', { name: 'Sources' });
    expect(screen.getByText(/^Updated/)).toHaveTextContent(/refreshes every 15 s/);
    const before = { sources: calls('IngestSources').length, stats: calls('IngestStats').length };

    await user.click(screen.getByRole('button', { name: 'Refresh' }));

    await waitFor(() => expect(calls('IngestSources').length).toBeGreaterThan(before.sources));
    expect(calls('IngestStats').length).toBeGreaterThan(before.stats);
  });

  it('refreshes every 15 seconds while the tab is visible, and not while it is hidden', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { calls } = setup();
      await screen.findByRole('table', { name: 'Sources' });
      const count = () => calls('IngestSources').length;
      const start = count();

      await vi.advanceTimersByTimeAsync(15_000);
      await waitFor(() => expect(count()).toBe(start + 1));

      const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
      document.dispatchEvent(new Event('visibilitychange'));
      expect(await screen.findByText(/auto-refresh paused while the tab is hidden/)).toBeInTheDocument();
      await vi.advanceTimersByTimeAsync(45_000);
      expect(count()).toBe(start + 1);

      // Back after more than 15 s: at once, then on the rhythm again.
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      await waitFor(() => expect(count()).toBe(start + 2));
      await vi.advanceTimersByTimeAsync(15_000);
      await waitFor(() => expect(count()).toBe(start + 3));
    } finally {
      vi.useRealTimers();
    }
  });

  it('explains how to send events when there are no sources', async () => {
    setup({ sources: () => ({ data: { ingestSources: [] } }) });

    expect(await screen.findByText('No events received yet.')).toBeInTheDocument();
    const example = screen.getByLabelText('Example request');
    expect(example).toHaveTextContent('/services/collector/event');
    expect(example).toHaveTextContent('-H "Authorization: Splunk <token>"');
    expect(screen.getByText(/Syslog listeners \(UDP, TCP, TLS\) are configured by the operator/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says so when the API answers FORBIDDEN, and stops asking', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { query } = setup({
        sources: () => graphqlError('forbidden', 'FORBIDDEN'),
        stats: () => graphqlError('forbidden', 'FORBIDDEN'),
      });

      expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
      expect(screen.queryByRole('button', { name: 'Refresh' })).not.toBeInTheDocument();
      const asked = query.mock.calls.length;
      await vi.advanceTimersByTimeAsync(45_000);
      expect(query).toHaveBeenCalledTimes(asked);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the sources when only the statistics fail', async () => {
    setup({ stats: () => graphqlError('database unavailable', 'UNAVAILABLE') });

    expect(await screen.findByText('Ingest statistics could not be loaded.')).toBeInTheDocument();
    expect(screen.getByText('database unavailable')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Sources' })).toBeInTheDocument();
  });

  it('shows an empty period as such', async () => {
    setup({
      stats: (variables) => ({ data: { ingestStats: stats(variables, { events: 0, sources: [], series: [] }) } }),
    });

    expect(await screen.findByRole('img', { name: /: no events\.$/ })).toBeInTheDocument();
    expect(screen.getByText('No source sent events in the last hour.')).toBeInTheDocument();
  });
});
