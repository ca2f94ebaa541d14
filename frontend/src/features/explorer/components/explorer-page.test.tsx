import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { ExplorerPage } from '@/features/explorer/components/explorer-page';
import type { EventFilter } from '@/lib/gql/graphql';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders } from '@/testing/render';

let sequence = 0;

function makeEvent(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    __typename: 'SecurityEvent',
    id: `evt-${sequence}`,
    time: '2026-11-22T20:09:49Z',
    severity: 'HIGH',
    classUid: 3002,
    className: 'Authentication',
    message: `event number ${sequence}`,
    srcIp: '203.0.113.7',
    srcPort: 51515,
    dstIp: '10.0.0.5',
    dstPort: 22,
    user: 'alice',
    riskScore: 72.4,
    quality: 0.92,
    dupCount: 1,
    threatMatches: [],
    ...overrides,
  };
}

function page(
  events: ReturnType<typeof makeEvent>[],
  options: { total?: number; exact?: boolean; next?: boolean } = {},
) {
  return {
    data: {
      events: {
        __typename: 'EventConnection',
        totalCount: options.total ?? events.length,
        totalCountExact: options.exact ?? true,
        edges: events.map((node) => ({ __typename: 'EventEdge', cursor: `cursor-${node.id}`, node })),
        pageInfo: {
          __typename: 'PageInfo',
          hasNextPage: options.next ?? false,
          endCursor: events.length ? `cursor-${events.at(-1)?.id}` : null,
        },
      },
    },
  };
}

const facets = {
  data: {
    eventFacets: {
      __typename: 'EventFacets',
      total: 120_000,
      approximate: true,
      facets: [
        {
          field: 'SEVERITY',
          values: [
            { value: 'high', count: 80 },
            { value: 'low', count: 40 },
          ],
        },
        { field: 'USER', values: [{ value: 'bob', count: 12 }] },
        { field: 'CLASS', values: [{ value: '3002', count: 90 }] },
      ],
    },
  },
};

function detail(overrides: Record<string, unknown> = {}) {
  return {
    data: {
      event: {
        ...makeEvent({ id: 'evt-detail', message: 'Failed password for alice', dupCount: 2 }),
        receivedAt: '2026-11-22T20:09:50Z',
        host: 'web-01',
        source: 'hec',
        sourcetype: 'linux:auth',
        severityId: 4,
        srcHostname: null,
        dstHostname: 'bastion',
        action: 'deny',
        categoryUid: 3,
        categoryName: 'Identity & Access Management',
        activityId: 1,
        activityName: 'Logon',
        status: 'failure',
        device: 'OpenSSH',
        vendorEventId: null,
        database: null,
        finding: null,
        srcGeo: { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.4, asn: 64500, asOrg: 'Example Net' },
        dstGeo: null,
        threatMatches: [
          {
            field: 'src_ip',
            type: 'ipv4-addr',
            value: '203.0.113.7',
            source: 'abuse-feed',
            confidence: 90,
            labels: ['botnet'],
          },
        ],
        userContext: { department: 'Finance', title: 'Analyst', privileged: true, manager: 'carol' },
        qualityFlags: ['clock_skew'],
        warnings: ['timestamp had no zone'],
        lastSeenAt: '2026-11-22T20:10:02Z',
        bronzeId: 'brz-1',
        bronze: {
          id: 'brz-1',
          receivedAt: '2026-11-22T20:09:50Z',
          kind: 'hec',
          source: 'demo',
          sourcetype: 'linux:auth',
          host: 'web-01',
          payload: '{"event":{"message":"Failed password for alice","src_ip":"203.0.113.7"}}',
          contentHash: 'ab'.repeat(32),
          status: 'REFINED',
          error: null,
        },
        ...overrides,
      },
    },
  };
}

type Answers = {
  events?: (variables: { filter?: EventFilter; after?: string | null }) => ExecutionResult;
  facets?: () => ExecutionResult;
  detail?: () => ExecutionResult;
};

function setup(answers: Answers = {}, path = '/analyst/explorer') {
  const query = vi.fn((op: Operation): ExecutionResult => {
    switch (operationName(op)) {
      case 'ExplorerEvents':
        return answers.events?.(op.variables as never) ?? page([makeEvent()]);
      case 'ExplorerFacets':
        return answers.facets?.() ?? facets;
      case 'EventDetail':
        return answers.detail?.() ?? detail();
      default:
        return { data: null };
    }
  });
  const client = createTestClient({ query });
  const user = userEvent.setup();
  const utils = renderWithProviders(null, {
    client,
    path,
    routes: [{ path: '/analyst/explorer', element: <ExplorerPage /> }],
  });
  const lastFilter = (name = 'ExplorerEvents') =>
    query.mock.calls
      .map(([op]) => op)
      .filter((op) => operationName(op) === name)
      .at(-1)?.variables?.filter as EventFilter | undefined;
  return { user, query, lastFilter, ...utils };
}

function rows() {
  const table = screen.getByRole('table', { name: 'Matching events' });
  return within(table).getAllByRole('row').slice(1);
}

describe('ExplorerPage', () => {
  it('lists matching events with their class, endpoints, scores and copies', async () => {
    setup({
      events: () =>
        page([makeEvent({ message: 'ssh failed', dupCount: 3 }), makeEvent({ srcIp: null, dstIp: null })], {
          total: 10_000,
          exact: false,
        }),
    });

    await screen.findByRole('table', { name: 'Matching events' });
    const [first, second] = rows();
    expect(within(first!).getByText('ssh failed')).toBeInTheDocument();
    expect(within(first!).getByText('Authentication')).toBeInTheDocument();
    expect(within(first!).getByText('High')).toBeInTheDocument();
    expect(first).toHaveTextContent('203.0.113.7:51515 → 10.0.0.5:22');
    expect(within(first!).getByText('72')).toBeInTheDocument();
    expect(within(first!).getByText('92%')).toBeInTheDocument();
    expect(within(first!).getByLabelText('3 copies')).toHaveTextContent('×3');
    expect(within(second!).getByLabelText('1 copy')).toBeInTheDocument();
    expect(screen.getByText('10,000+ events')).toBeInTheDocument();
  });

  it('asks for the last 24 hours by default', async () => {
    const { lastFilter } = setup();
    await screen.findByRole('table', { name: 'Matching events' });

    const from = Date.parse(lastFilter()?.from as string);
    expect(Date.now() - from).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(Date.now() - from).toBeLessThan(24 * 3_600_000 + 60_000);
  });

  it('reads the filter from the address and writes changes back to it', async () => {
    const { user, lastFilter, router } = setup({}, '/analyst/explorer?range=all&severity=high&user=alice');
    await screen.findByRole('table', { name: 'Matching events' });
    expect(lastFilter()).toEqual({ severity: ['HIGH'], user: 'alice' });
    expect(screen.getByRole('checkbox', { name: 'High' })).toBeChecked();
    expect(screen.getByRole('textbox', { name: 'User' })).toHaveValue('alice');

    await user.click(screen.getByRole('checkbox', { name: 'Critical' }));
    await user.click(screen.getByRole('checkbox', { name: 'Threat matched only' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Class' }), '4001');

    await waitFor(() =>
      expect(lastFilter()).toEqual({
        severity: ['CRITICAL', 'HIGH'],
        user: 'alice',
        threatMatched: true,
        classUid: [4001],
      }),
    );
    const params = new URLSearchParams(router.state.location.search);
    expect(Object.fromEntries(params)).toEqual({
      range: 'all',
      severity: 'critical,high',
      user: 'alice',
      threat: '1',
      class: '4001',
    });
    // Facets are counted over the same filter.
    expect(lastFilter('ExplorerFacets')).toEqual(lastFilter());
  });

  it('applies the text fields together, on Enter', async () => {
    const { user, lastFilter } = setup({}, '/analyst/explorer?range=all');
    await screen.findByRole('table', { name: 'Matching events' });

    const words = screen.getByRole('searchbox', { name: 'Words in message' });
    expect(words).toHaveAccessibleDescription('every word, in any order, any case');
    await user.type(words, 'password');
    await user.type(screen.getByRole('textbox', { name: 'IP or CIDR' }), '10.0.0.0/8');
    await user.type(screen.getByRole('textbox', { name: 'Host' }), 'web-01');
    expect(lastFilter()).toBeUndefined();
    await user.type(screen.getByRole('textbox', { name: 'Country' }), 'de{Enter}');

    await waitFor(() =>
      expect(lastFilter()).toEqual({ search: 'password', ip: '10.0.0.0/8', host: 'web-01', country: 'DE' }),
    );
    expect(screen.getByRole('button', { name: 'Remove filter IP: 10.0.0.0/8' })).toBeInTheDocument();
  });

  it('explains an invalid CIDR and does not apply it', async () => {
    const { user, lastFilter } = setup({}, '/analyst/explorer?range=all');
    await screen.findByRole('table', { name: 'Matching events' });

    const ip = screen.getByRole('textbox', { name: 'IP or CIDR' });
    await user.type(ip, '10.0.0.0/40');
    await user.click(screen.getByRole('button', { name: 'Apply' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The prefix length of "10.0.0.0/40" must be a number from 0 to 32.',
    );
    expect(ip).toHaveAttribute('aria-invalid', 'true');
    expect(ip).toHaveAccessibleDescription(/prefix length/);
    expect(lastFilter()).toBeUndefined();

    await user.clear(ip);
    await user.type(ip, '192.0.2.0/24{Enter}');
    await waitFor(() => expect(lastFilter()).toEqual({ ip: '192.0.2.0/24' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('adds a facet value as a filter, and says when the counts are approximate', async () => {
    const { user, lastFilter } = setup({}, '/analyst/explorer?range=all');
    const sidebar = await screen.findByRole('complementary', { name: 'Facets' });
    expect(await within(sidebar).findByText('approximate')).toBeInTheDocument();
    expect(within(sidebar).getByRole('button', { name: 'Filter by class Authentication (90)' })).toBeInTheDocument();

    await user.click(within(sidebar).getByRole('button', { name: 'Filter by user bob (12)' }));
    await waitFor(() => expect(lastFilter()).toEqual({ user: 'bob' }));
    await user.click(within(sidebar).getByRole('button', { name: 'Filter by severity High (80)' }));
    await waitFor(() => expect(lastFilter()).toEqual({ user: 'bob', severity: ['HIGH'] }));
    expect(within(sidebar).getByRole('button', { name: 'Filter by severity High (80)' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await user.click(screen.getByRole('button', { name: 'Remove filter User: bob' }));
    await waitFor(() => expect(lastFilter()).toEqual({ severity: ['HIGH'] }));
  });

  it('loads more events with the cursor of the last one', async () => {
    const first = Array.from({ length: 3 }, () => makeEvent());
    const second = [makeEvent({ message: 'from the second page' })];
    const { user, query } = setup({
      events: (variables) => (variables.after ? page(second, { total: 4 }) : page(first, { total: 4, next: true })),
    });
    await screen.findByRole('table', { name: 'Matching events' });
    expect(screen.getByText('Showing 3 of 4')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByText('from the second page')).toBeInTheDocument();
    expect(rows()).toHaveLength(4);
    expect(screen.getByText('Showing 4 of 4')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    const calls = query.mock.calls.map(([op]) => op).filter((op) => operationName(op) === 'ExplorerEvents');
    expect(calls.at(-1)?.variables).toEqual(expect.objectContaining({ after: `cursor-${first[2]!.id}`, first: 50 }));
  });

  it('says when nothing matches, and clears the filters', async () => {
    const { user, lastFilter } = setup(
      { events: (variables) => page(variables.filter?.user ? [] : [makeEvent()]) },
      '/analyst/explorer?range=all&user=nobody',
    );

    expect(await screen.findByText('No events match these filters.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByRole('table', { name: 'Matching events' });
    expect(lastFilter()).toBeUndefined();
  });

  it('shows an error with a retry', async () => {
    setup({ events: () => graphqlError('search is longer than 256 characters', 'INVALID') });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Events could not be loaded.');
    expect(alert).toHaveTextContent('search is longer than 256 characters');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('opens an event in a drawer with its enrichment, quality, copies and raw record', async () => {
    const { user, router, query } = setup();
    await screen.findByRole('table', { name: 'Matching events' });

    const opener = within(rows()[0]!).getByRole('button', { name: /event number/ });
    await user.click(opener);

    const drawer = await screen.findByRole('dialog', { name: 'Event details' });
    expect(new URLSearchParams(router.state.location.search).get('event')).toMatch(/^evt-/);
    expect(await within(drawer).findByText('Failed password for alice')).toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Close' })).toHaveFocus();

    const classification = within(drawer).getByRole('region', { name: 'Classification' });
    expect(classification).toHaveTextContent('Authentication (3002)');
    expect(classification).toHaveTextContent('Identity & Access Management (3)');
    expect(classification).toHaveTextContent('Logon (1)');

    const endpoints = within(drawer).getByRole('region', { name: 'Endpoints' });
    expect(endpoints).toHaveTextContent('Berlin, DE');
    expect(endpoints).toHaveTextContent('AS64500 Example Net');
    expect(endpoints).toHaveTextContent('bastion');

    const actor = within(drawer).getByRole('region', { name: 'Actor' });
    expect(actor).toHaveTextContent('Finance');
    expect(actor).toHaveTextContent('PrivilegedYes');

    expect(within(drawer).getByRole('region', { name: 'Threat matches (1)' })).toHaveTextContent('abuse-feed');
    const quality = within(drawer).getByRole('region', { name: 'Quality' });
    expect(quality).toHaveTextContent('92% (0.92)');
    expect(quality).toHaveTextContent('clock_skew');
    expect(quality).toHaveTextContent('timestamp had no zone');
    expect(within(drawer).getByRole('region', { name: 'Deduplication' })).toHaveTextContent('Copies received2');
    expect(within(drawer).queryByRole('region', { name: 'Database' })).not.toBeInTheDocument();

    const raw = within(drawer).getByLabelText('Raw payload');
    expect(raw.textContent).toBe(
      JSON.stringify({ event: { message: 'Failed password for alice', src_ip: '203.0.113.7' } }, null, 2),
    );
    expect(within(drawer).getByRole('button', { name: 'Copy raw' })).toBeInTheDocument();
    const detailCall = query.mock.calls.map(([op]) => op).find((op) => operationName(op) === 'EventDetail');
    expect(detailCall?.variables).toEqual({ id: expect.stringMatching(/^evt-/) });

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.search).not.toContain('event=');
    expect(opener).toHaveFocus();
  });

  it('opens the event named in the address, and shows database and finding sections when present', async () => {
    setup(
      {
        detail: () =>
          detail({
            database: { name: 'payroll', statement: 'SELECT * FROM salaries', object: 'salaries', rows: 1200 },
            finding: { uid: 'F-1', title: 'Mass export' },
            bronze: { ...detail().data.event.bronze, payload: 'CEF:0|Vendor|Product|1.0|100|Blocked|5|src=10.0.0.1' },
          }),
      },
      '/analyst/explorer?event=evt-detail',
    );

    const drawer = await screen.findByRole('dialog', { name: 'Event details' });
    const database = await within(drawer).findByRole('region', { name: 'Database' });
    expect(database).toHaveTextContent('payroll');
    expect(within(database).getByLabelText('Statement')).toHaveTextContent('SELECT * FROM salaries');
    expect(within(drawer).getByRole('region', { name: 'Finding' })).toHaveTextContent('Mass export');
    expect(within(drawer).getByLabelText('Raw payload')).toHaveTextContent(
      'CEF:0|Vendor|Product|1.0|100|Blocked|5|src=10.0.0.1',
    );
    expect(within(drawer).getByText('As received')).toBeInTheDocument();
  });

  it('says when the event is gone', async () => {
    setup({ detail: () => graphqlError('event not found', 'NOT_FOUND') }, '/analyst/explorer?event=evt-gone');

    const drawer = await screen.findByRole('dialog', { name: 'Event details' });
    expect(await within(drawer).findByText('This event could not be loaded.')).toBeInTheDocument();
    expect(within(drawer).getByText('event not found')).toBeInTheDocument();
  });
});
