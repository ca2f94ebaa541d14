import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { routes } from '@/app/router';
import type { Role } from '@/lib/gql/graphql';
import { operationName } from '@/testing/operation-name';
import { createTestClient } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

function setup(path: string, role: Role) {
  const query = vi.fn((op: Operation): ExecutionResult => {
    switch (operationName(op)) {
      case 'IngestSources':
        return { data: { ingestSources: [] } };
      case 'GatherNodes':
        return {
          data: {
            gatherNodes: {
              __typename: 'GatherNodeConnection',
              totalCount: 0,
              edges: [],
              pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
            },
          },
        };
      case 'Quarantine':
        return {
          data: {
            quarantine: {
              __typename: 'QuarantineConnection',
              totalCount: 0,
              edges: [],
              pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
            },
          },
        };
      default:
        return { data: null };
    }
  });
  const client = createTestClient({ query });
  const utils = renderWithProviders(null, { client, routes, path, session: sessionWithRole(role) });
  return { query, ...utils };
}

describe('the Operator view', () => {
  it.each(['OPERATOR', 'MANAGER', 'TENANT_ADMIN', 'PLATFORM_ADMIN'] as const)(
    'opens the sources for %s, with a tab per section',
    async (role) => {
      const { router } = setup('/operator', role);

      expect(await screen.findByRole('heading', { name: 'Sources', level: 2 })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/operator/sources');
      const tabs = screen.getByRole('navigation', { name: 'Operator sections' });
      expect(
        within(tabs)
          .getAllByRole('link')
          .map((link) => [link.textContent, link.getAttribute('href')]),
      ).toEqual([
        ['Sources', '/operator/sources'],
        ['Quarantine', '/operator/quarantine'],
        ['Reprocess', '/operator/reprocess'],
        ['Gather nodes', '/operator/gather'],
        ['Imports', '/operator/imports'],
      ]);
      expect(within(tabs).getByRole('link', { name: 'Sources' })).toHaveAttribute('aria-current', 'page');
    },
  );

  it.each(['ANALYST', 'VIEWER'] as const)(
    'is closed to %s, even by address, and asks the API nothing',
    async (role) => {
      const { query } = setup('/operator/quarantine', role);

      expect(await screen.findByText('You do not have access to the Operator view.')).toBeInTheDocument();
      expect(screen.queryByRole('navigation', { name: 'Operator sections' })).not.toBeInTheDocument();
      expect(screen.queryByRole('heading', { name: 'Quarantine' })).not.toBeInTheDocument();
      expect(query).not.toHaveBeenCalled();
    },
  );

  it('opens the quarantine by its address', async () => {
    setup('/operator/quarantine', 'OPERATOR');

    expect(await screen.findByText('Nothing in quarantine: every record was refined.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Quarantine' })).toHaveAttribute('aria-current', 'page');
  });

  it('opens the gather nodes by their address', async () => {
    setup('/operator/gather', 'OPERATOR');

    expect(await screen.findByText('No gather node has enrolled yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Gather nodes' })).toHaveAttribute('aria-current', 'page');
  });
});
