import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { makeSubject } from 'wonka';
import type { ExecutionResult, Operation } from '@urql/core';
import { LoginPage } from '@/features/auth/components/login-page';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders } from '@/testing/render';

const loginPayload = {
  login: {
    __typename: 'AuthPayload',
    token: 'jwt-token',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    user: { __typename: 'User', id: 'u1', email: 'ana@example.com', displayName: 'Ana', role: 'ANALYST' },
    tenant: { __typename: 'Tenant', id: 't1', slug: 'acme', name: 'Acme Corp' },
  },
};

const routes = [
  { path: '/login', element: <LoginPage /> },
  { path: '/analyst', element: <p>Analyst view</p> },
];

function setup(mutation: Parameters<typeof createTestClient>[0]['mutation']) {
  const client = createTestClient({ mutation });
  const user = userEvent.setup();
  const utils = renderWithProviders(null, { client, routes, path: '/login', session: null });
  return { user, ...utils };
}

describe('LoginPage', () => {
  it('signs in with email and password and opens the Analyst view', async () => {
    const mutation = vi.fn((_operation: Operation) => ({ data: loginPayload }));
    const { user, sessionStore } = setup(mutation);

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Analyst view')).toBeInTheDocument();
    expect(mutation).toHaveBeenCalledTimes(1);
    expect(mutation.mock.calls[0]?.[0]).toMatchObject({
      variables: { email: 'ana@example.com', password: 's3cret', tenant: null },
    });
    expect(sessionStore.getToken()).toBe('jwt-token');
    expect(JSON.parse(window.sessionStorage.getItem('scalefield.session') ?? '{}')).toMatchObject({
      token: 'jwt-token',
      tenant: { slug: 'acme' },
    });
  });

  it('sends the tenant slug when one is given', async () => {
    const mutation = vi.fn((_operation: Operation) => ({ data: loginPayload }));
    const { user } = setup(mutation);

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 's3cret');
    await user.click(screen.getByText('Sign in to a specific tenant'));
    await user.type(screen.getByLabelText('Tenant'), ' acme ');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByText('Analyst view');
    expect(mutation.mock.calls[0]?.[0]).toMatchObject({ variables: { tenant: 'acme' } });
  });

  it('shows the error message from the API', async () => {
    const { user } = setup(() => graphqlError('invalid email or password', 'UNAUTHENTICATED'));

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('invalid email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.queryByText('Analyst view')).not.toBeInTheDocument();
  });

  it('disables the button while signing in', async () => {
    const pending = makeSubject<ExecutionResult>();
    const { user } = setup(() => pending.source);

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByRole('button', { name: 'Signing in…' })).toBeDisabled();
    pending.next({ data: loginPayload });
    await waitFor(() => expect(screen.getByText('Analyst view')).toBeInTheDocument());
  });
});
