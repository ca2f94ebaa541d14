import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { makeSubject } from 'wonka';
import type { ExecutionResult, Operation } from '@urql/core';
import { EventsPage } from '@/features/events/components/events-page';
import type { EventRow_EventFragment, Severity } from '@/lib/gql/graphql';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders } from '@/testing/render';

let sequence = 0;

function makeEvent(overrides: Partial<EventRow_EventFragment> = {}): EventRow_EventFragment {
  sequence += 1;
  return {
    id: `evt-${sequence}`,
    time: '2026-11-22T20:09:49Z',
    receivedAt: '2026-11-22T20:09:50Z',
    host: 'web-01',
    source: 'hec',
    sourcetype: 'linux:auth',
    severity: 'INFO',
    message: `event number ${sequence}`,
    user: 'alice',
    srcIp: '203.0.113.7',
    dstIp: null,
    action: null,
    bronzeId: `bronze-${sequence}`,
    ...overrides,
  };
}

function page(events: EventRow_EventFragment[], { totalCount = events.length, hasNextPage = false } = {}) {
  return {
    data: {
      events: {
        __typename: 'EventConnection',
        totalCount,
        edges: events.map((node) => ({ __typename: 'EventEdge', cursor: `cursor-${node.id}`, node })),
        pageInfo: {
          __typename: 'PageInfo',
          hasNextPage,
          endCursor: events.length ? `cursor-${events.at(-1)?.id}` : null,
        },
      },
    },
  };
}

function setup(query: (operation: Operation) => ExecutionResult) {
  const live = makeSubject<ExecutionResult>();
  const queryHandler = vi.fn(query);
  const client = createTestClient({ query: queryHandler, subscription: () => live.source });
  const user = userEvent.setup();
  renderWithProviders(<EventsPage />, { client, path: '/analyst' });
  const push = (event: EventRow_EventFragment) => act(() => live.next({ data: { eventIngested: event } }));
  return { user, push, queryHandler };
}

function bodyRows() {
  const table = screen.getByRole('table', { name: 'Events' });
  return within(table).getAllByRole('row').slice(1);
}

describe('EventsPage', () => {
  it('renders the events of the first page', async () => {
    const events = [
      makeEvent({ severity: 'HIGH', message: 'ssh login failed' }),
      makeEvent({ severity: 'CRITICAL', message: 'malware detected', host: 'db-02' }),
    ];
    setup(() => page(events, { totalCount: 2 }));

    await screen.findByRole('table', { name: 'Events' });
    const rows = bodyRows();
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('ssh login failed')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('High')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('db-02')).toBeInTheDocument();
    expect(within(rows[0]!).getByTitle('2026-11-22T20:09:49Z')).toBeInTheDocument();
    expect(screen.getByText('2 events')).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Live updates' })).toHaveTextContent('Live');
  });

  it('prepends events from the subscription, keeping the page size', async () => {
    const events = Array.from({ length: 25 }, () => makeEvent());
    const { push } = setup(() => page(events, { totalCount: 40, hasNextPage: true }));
    await screen.findByRole('table', { name: 'Events' });

    push(makeEvent({ message: 'brand new event' }));

    const rows = bodyRows();
    expect(rows).toHaveLength(25);
    expect(within(rows[0]!).getByText('brand new event')).toBeInTheDocument();
    expect(screen.queryByText(events[24]!.message)).not.toBeInTheDocument();
    expect(screen.getByText('41 events')).toBeInTheDocument();
  });

  it('ignores an event it already shows', async () => {
    const events = [makeEvent(), makeEvent()];
    const { push } = setup(() => page(events));
    await screen.findByRole('table', { name: 'Events' });

    const fresh = makeEvent({ message: 'only once' });
    push(fresh);
    push(fresh);
    push(events[0]!);

    expect(screen.getAllByText('only once')).toHaveLength(1);
    expect(bodyRows()).toHaveLength(3);
    expect(screen.getByText('3 events')).toBeInTheDocument();
  });

  it('filters by severity, and prepends only live events that match', async () => {
    const { user, push, queryHandler } = setup((operation) =>
      page(operation.variables?.filter ? [makeEvent({ severity: 'HIGH', message: 'high one' })] : [makeEvent()]),
    );
    await screen.findByRole('table', { name: 'Events' });

    await user.click(screen.getByRole('checkbox', { name: 'High' }));
    await screen.findByText('high one');
    expect(queryHandler).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: expect.objectContaining({ filter: { severity: ['HIGH'] } }) }),
    );

    push(makeEvent({ severity: 'LOW', message: 'low live event' }));
    push(makeEvent({ severity: 'HIGH', message: 'high live event' }));

    expect(screen.queryByText('low live event')).not.toBeInTheDocument();
    expect(within(bodyRows()[0]!).getByText('high live event')).toBeInTheDocument();
  });

  it('debounces the message search and applies it to live events', async () => {
    const { user, push, queryHandler } = setup((operation) =>
      page(operation.variables?.filter ? [makeEvent({ message: 'Password reset for bob' })] : [makeEvent()]),
    );
    await screen.findByRole('table', { name: 'Events' });

    await user.type(screen.getByRole('searchbox', { name: 'Message contains' }), 'password');
    await screen.findByText('Password reset for bob');
    // No request for the partial words typed on the way.
    const filters = new Set(queryHandler.mock.calls.map(([operation]) => JSON.stringify(operation.variables?.filter)));
    expect([...filters]).toEqual([undefined, JSON.stringify({ search: 'password' })]);

    push(makeEvent({ message: 'disk full' }));
    push(makeEvent({ message: 'PASSWORD changed' }));
    expect(screen.queryByText('disk full')).not.toBeInTheDocument();
    expect(screen.getByText('PASSWORD changed')).toBeInTheDocument();
  });

  it('pages forward and back with cursors', async () => {
    const first = [makeEvent({ message: 'on page one' }), makeEvent()];
    const second = [makeEvent({ message: 'on page two' })];
    const { user, queryHandler } = setup((operation) =>
      operation.variables?.after ? page(second, { totalCount: 3 }) : page(first, { totalCount: 3, hasNextPage: true }),
    );
    await screen.findByText('on page one');

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('on page two');
    expect(queryHandler).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: expect.objectContaining({ after: `cursor-${first[1]!.id}` }) }),
    );
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await screen.findByText('on page one');
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
  });

  it('reloads a first page made only of live events, to page on from it', async () => {
    let stored = Array.from({ length: 25 }, () => makeEvent());
    const { push, queryHandler } = setup(() =>
      page(stored.slice(0, 25), { totalCount: stored.length, hasNextPage: true }),
    );
    await screen.findByRole('table', { name: 'Events' });

    const loads = queryHandler.mock.calls.length;
    const arrived = Array.from({ length: 25 }, () => makeEvent());
    stored = [...[...arrived].reverse(), ...stored];
    arrived.forEach((event) => push(event));

    await waitFor(() => expect(screen.getByRole('button', { name: 'Next' })).toBeEnabled());
    expect(queryHandler.mock.calls.length).toBeGreaterThan(loads);
    expect(screen.getByText('50 events')).toBeInTheDocument();
    expect(within(bodyRows()[0]!).getByText(arrived[24]!.message)).toBeInTheDocument();
  });

  it('counts live events on a later page and goes back to the first on request', async () => {
    const first = [makeEvent(), makeEvent()];
    const { user, push } = setup((operation) =>
      operation.variables?.after ? page([makeEvent({ message: 'older event' })]) : page(first, { hasNextPage: true }),
    );
    await screen.findByRole('table', { name: 'Events' });
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('older event');

    push(makeEvent({ message: 'arrived meanwhile' }));
    push(makeEvent({ message: 'arrived too' }));

    expect(screen.queryByText('arrived meanwhile')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '2 new events — show' }));
    await waitFor(() => expect(screen.getByText('Page 1')).toBeInTheDocument());
  });

  it('changes the page size', async () => {
    const { user, queryHandler } = setup(() => page([makeEvent()]));
    await screen.findByRole('table', { name: 'Events' });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Rows per page' }), '100');

    await waitFor(() =>
      expect(queryHandler).toHaveBeenLastCalledWith(
        expect.objectContaining({ variables: expect.objectContaining({ first: 100, after: null }) }),
      ),
    );
  });

  it('shows how to send a first event when there are none', async () => {
    setup(() => page([]));

    expect(await screen.findByText('No events yet.')).toBeInTheDocument();
    expect(screen.getByText(/\/services\/collector\/event/)).toHaveTextContent('Authorization: Splunk <token>');
    expect(screen.getByText('0 events')).toBeInTheDocument();
  });

  it('shows the error message when events cannot be loaded', async () => {
    setup(() => graphqlError('you may not read events', 'FORBIDDEN'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Events could not be loaded.');
    expect(alert).toHaveTextContent('you may not read events');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});

describe('severity badges', () => {
  it.each<[Severity, string]>([
    ['CRITICAL', 'Critical'],
    ['UNKNOWN', 'Unknown'],
  ])('labels %s as %s', async (severity, label) => {
    setup(() => page([makeEvent({ severity })]));
    await screen.findByRole('table', { name: 'Events' });
    expect(within(bodyRows()[0]!).getByText(label)).toHaveAttribute('data-severity', severity);
  });
});
