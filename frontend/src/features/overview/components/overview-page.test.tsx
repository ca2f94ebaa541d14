import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { OverviewPage } from '@/features/overview/components/overview-page';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const HOUR = 3_600_000;
const start = Date.parse('2026-11-20T00:00:00Z');

function metrics(overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'MetricsSummary',
    events: 1234,
    threats: 7,
    criticalAlerts: 2,
    duplicates: 31,
    bySeverity: [{ value: 'HIGH', count: 200 }],
    byClass: [
      { value: '3002', count: 900 },
      { value: '4001', count: 334 },
    ],
    bySource: [{ value: 'demo', count: 1234 }],
    topTalkers: [{ value: '203.0.113.7', count: 400 }],
    topUsers: [
      { value: 'alice', count: 300 },
      { value: 'bob', count: 20 },
    ],
    topCountries: [],
    ...overrides,
  };
}

function overview(overrides: Record<string, unknown> = {}) {
  return {
    data: {
      metrics: metrics(overrides),
      eventsBySeverity: [0, 1, 2].flatMap((i) => [
        { timestamp: start + i * HOUR, time: '', value: 10 + i, group: 'HIGH' },
        { timestamp: start + i * HOUR, time: '', value: 1, group: 'critical' },
      ]),
      threats: [0, 1, 2].map((i) => ({ timestamp: start + i * HOUR, value: i })),
    },
  };
}

const risky = {
  data: {
    userRiskProfiles: {
      edges: [
        {
          cursor: 'c1',
          node: {
            user: 'alice',
            riskScore: 88.2,
            events: 300,
            failures: 41,
            threatMatches: 3,
            highSeverity: 12,
            privileged: true,
            lastSeen: '2026-11-22T20:00:00Z',
          },
        },
      ],
    },
  },
};

type Answers = { overview?: () => ExecutionResult; risky?: () => ExecutionResult };

function setup(answers: Answers = {}, path = '/management') {
  const query = vi.fn((op: Operation): ExecutionResult => {
    if (operationName(op) === 'RiskiestUsers') return answers.risky?.() ?? risky;
    return answers.overview?.() ?? overview();
  });
  const client = createTestClient({ query });
  const user = userEvent.setup();
  const utils = renderWithProviders(null, {
    client,
    path,
    session: sessionWithRole('MANAGER'),
    routes: [{ path: '/management', element: <OverviewPage /> }],
  });
  const overviewCalls = () => query.mock.calls.map(([op]) => op).filter((op) => operationName(op) === 'Overview');
  return { user, query, overviewCalls, ...utils };
}

describe('OverviewPage', () => {
  it('shows the totals of the last 7 days by default', async () => {
    const { overviewCalls } = setup();

    const tiles = await screen.findByLabelText('Totals in the last 7 days');
    expect(within(tiles).getByText('1,234')).toBeInTheDocument();
    expect(within(tiles).getByText('Critical alerts').nextSibling).toHaveTextContent('2');
    expect(within(tiles).getByText('Duplicates').nextSibling).toHaveTextContent('31');
    const variables = overviewCalls().at(-1)?.variables as { from: string; to: string; interval: string };
    expect(variables.interval).toBe('DAY');
    expect(Date.parse(variables.to) - Date.parse(variables.from)).toBe(7 * 24 * HOUR);
  });

  it('draws the charts with their data', async () => {
    setup();

    const events = await screen.findByRole('img', { name: /^Events per day: 36 in total/ });
    await waitFor(() => expect(events.querySelector('svg')).not.toBeNull());
    expect(events.querySelectorAll('path').length).toBeGreaterThan(0);
    expect(screen.getByRole('img', { name: /^Threats per day: 3 in total/ })).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Events by class: Authentication (900 events), Network Activity (334 events).' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Top users: alice (300 events), bob (20 events).' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Top talkers: 203.0.113.7 (400 events).' })).toBeInTheDocument();
    // Nothing to draw for the countries.
    const countries = screen.getByRole('figure', { name: 'Top countries' });
    expect(within(countries).getByText('Nothing recorded in this period.')).toBeInTheDocument();
    expect(within(countries).queryByRole('img')).not.toBeInTheDocument();
  });

  it('lists the riskiest users', async () => {
    setup();

    const table = await screen.findByRole('table', { name: 'Riskiest users' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(row).toHaveTextContent('alice');
    expect(row).toHaveTextContent('Privileged');
    expect(row).toHaveTextContent('88');
    expect(row).toHaveTextContent('41');
  });

  it('switches the period, with an interval to match, and keeps it in the address', async () => {
    const { user, overviewCalls, router } = setup();
    await screen.findByLabelText('Totals in the last 7 days');

    await user.click(screen.getByRole('radio', { name: '12 months' }));

    await screen.findByLabelText('Totals in the last 12 months');
    expect((overviewCalls().at(-1)?.variables as { interval: string }).interval).toBe('MONTH');
    expect(router.state.location.search).toBe('?period=12m');

    await user.click(screen.getByRole('radio', { name: '24 hours' }));
    await waitFor(() => expect((overviewCalls().at(-1)?.variables as { interval: string }).interval).toBe('HOUR'));
  });

  it('says when there is no data yet', async () => {
    setup({
      overview: () => ({
        data: {
          metrics: metrics({ events: 0, threats: 0, criticalAlerts: 0, duplicates: 0, byClass: [], topUsers: [] }),
          eventsBySeverity: [],
          threats: [],
        },
      }),
      risky: () => ({ data: { userRiskProfiles: { edges: [] } } }),
    });

    expect(await screen.findByText('No events in the last 7 days yet.')).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(await screen.findByText('No user has been seen in events yet.')).toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    setup({ overview: () => graphqlError('internal error', 'INTERNAL') });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The overview could not be loaded.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
