import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { SsoCallbackPage } from '@/features/auth/components/sso-callback-page';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { sessionPayload } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';

const routes = [
  { path: '/login/sso', element: <SsoCallbackPage /> },
  { path: '/analyst', element: <p>Analyst view</p> },
  { path: '/login', element: <p>Login page</p> },
];

function setup(path: string, answer: () => ExecutionResult) {
  const mutation = vi.fn((_operation: Operation) => answer());
  const client = createTestClient({ mutation });
  const utils = renderWithProviders(null, { client, routes, path, session: null });
  return { mutation, ...utils };
}

describe('SsoCallbackPage', () => {
  it('exchanges the one-time code once, stores the session and forgets the code', async () => {
    const { mutation, sessionStore, router } = setup('/login/sso#code=one-time-123', () => ({
      data: { completeSsoLogin: sessionPayload({ token: 'sso-token' }) },
    }));

    expect(await screen.findByText('Analyst view')).toBeInTheDocument();
    expect(mutation).toHaveBeenCalledTimes(1);
    expect(mutation.mock.calls[0]?.[0].variables).toEqual({ code: 'one-time-123' });
    expect(sessionStore.getToken()).toBe('sso-token');
    expect(router.state.location.hash).toBe('');
  });

  it('shows why the code was refused, with a way back', async () => {
    setup('/login/sso#code=used', () => graphqlError('sign-in code expired or already used', 'UNAUTHENTICATED'));

    expect(await screen.findByRole('alert')).toHaveTextContent('sign-in code expired or already used');
    expect(screen.getByRole('link', { name: 'Back to sign in' })).toHaveAttribute('href', '/login');
  });

  it('says so when there is no code', async () => {
    const { mutation } = setup('/login/sso', () => ({ data: null }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The sign-in link has no code.');
    expect(mutation).not.toHaveBeenCalled();
  });
});
