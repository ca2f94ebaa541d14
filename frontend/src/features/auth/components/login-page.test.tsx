import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { makeSubject } from 'wonka';
import type { ExecutionResult, Operation } from '@urql/core';
import { LoginPage } from '@/features/auth/components/login-page';
import { redirectTo } from '@/lib/browser-location';
import { createTestClient, graphqlError, type TestHandlers } from '@/testing/test-client';
import { sessionPayload } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';

vi.mock('@/lib/browser-location', () => ({ redirectTo: vi.fn() }));

const signedIn = { data: { login: { __typename: 'LoginResult', session: sessionPayload(), mfaToken: null } } };
const needsMfa = { data: { login: { __typename: 'LoginResult', session: null, mfaToken: 'mfa-token-1' } } };

const routes = [
  { path: '/login', element: <LoginPage /> },
  { path: '/analyst', element: <p>Analyst view</p> },
  { path: '/mfa/enroll', element: <p>Enrolment page</p> },
];

function setup(handlers: TestHandlers, path = '/login') {
  const client = createTestClient(handlers);
  const user = userEvent.setup();
  const utils = renderWithProviders(null, { client, routes, path, session: null });
  return { user, ...utils };
}

async function submitPassword(user: ReturnType<typeof userEvent.setup>, password = 's3cret') {
  await user.type(screen.getByLabelText('Email'), 'ana@example.com');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  it('signs in with email and password and opens the Analyst view', async () => {
    const mutation = vi.fn((_operation: Operation) => signedIn);
    const { user, sessionStore } = setup({ mutation });

    await submitPassword(user);

    expect(await screen.findByText('Analyst view')).toBeInTheDocument();
    expect(mutation).toHaveBeenCalledTimes(1);
    expect(mutation.mock.calls[0]?.[0]).toMatchObject({
      variables: { email: 'ana@example.com', password: 's3cret', tenant: null },
    });
    expect(sessionStore.getToken()).toBe('jwt-token');
    expect(JSON.parse(window.sessionStorage.getItem('scalefield.session') ?? '{}')).toMatchObject({
      token: 'jwt-token',
      refreshToken: 'jwt-token-refresh',
      scope: 'FULL',
      tenant: { slug: 'acme' },
    });
  });

  it('sends the tenant slug when one is given', async () => {
    const mutation = vi.fn((_operation: Operation) => signedIn);
    const { user } = setup({ mutation });

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 's3cret');
    await user.click(screen.getByText('Sign in to a specific tenant'));
    await user.type(screen.getByLabelText('Tenant'), ' acme ');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByText('Analyst view');
    expect(mutation.mock.calls[0]?.[0]).toMatchObject({ variables: { tenant: 'acme' } });
  });

  it('shows the error message from the API', async () => {
    const { user } = setup({ mutation: () => graphqlError('invalid email or password', 'UNAUTHENTICATED') });

    await submitPassword(user, 'wrong');

    expect(await screen.findByRole('alert')).toHaveTextContent('invalid email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.queryByText('Analyst view')).not.toBeInTheDocument();
  });

  it('disables the button while signing in', async () => {
    const pending = makeSubject<ExecutionResult>();
    const { user } = setup({ mutation: () => pending.source });

    await submitPassword(user);

    expect(screen.getByRole('button', { name: 'Signing in…' })).toBeDisabled();
    pending.next(signedIn);
    await waitFor(() => expect(screen.getByText('Analyst view')).toBeInTheDocument());
  });

  it('sends an administrator without MFA to the enrolment page', async () => {
    const { user } = setup({
      mutation: () => ({
        data: {
          login: { __typename: 'LoginResult', session: sessionPayload({ scope: 'MFA_ENROLLMENT' }), mfaToken: null },
        },
      }),
    });

    await submitPassword(user);

    expect(await screen.findByText('Enrolment page')).toBeInTheDocument();
  });
});

describe('LoginPage, second factor', () => {
  function mfaHandlers(verify: (operation: Operation) => ExecutionResult) {
    return vi.fn((operation: Operation) =>
      operation.query.definitions.some((d) => d.kind === 'OperationDefinition' && d.name?.value === 'VerifyMfa')
        ? verify(operation)
        : needsMfa,
    );
  }

  it('asks for a code when the account has MFA, and signs in with it', async () => {
    const mutation = mfaHandlers(() => ({ data: { verifyMfa: sessionPayload({ token: 'after-mfa' }) } }));
    const { user, sessionStore } = setup({ mutation });

    await submitPassword(user);

    expect(await screen.findByRole('heading', { name: 'Two-factor authentication' })).toBeInTheDocument();
    expect(sessionStore.getToken()).toBeNull();
    const code = screen.getByRole('textbox', { name: 'Authentication code' });
    expect(code).toHaveFocus();
    expect(code).toHaveAccessibleDescription('Enter the 6-digit code from your authenticator, or a recovery code.');

    await user.type(code, '123 456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByText('Analyst view')).toBeInTheDocument();
    expect(mutation).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: { mfaToken: 'mfa-token-1', code: '123456' } }),
    );
    expect(sessionStore.getToken()).toBe('after-mfa');
  });

  it('accepts a recovery code as typed', async () => {
    const mutation = mfaHandlers(() => ({ data: { verifyMfa: sessionPayload() } }));
    const { user } = setup({ mutation });
    await submitPassword(user);

    await user.type(await screen.findByRole('textbox', { name: 'Authentication code' }), 'ab12c-de34f');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    await screen.findByText('Analyst view');
    expect(mutation).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: { mfaToken: 'mfa-token-1', code: 'ab12c-de34f' } }),
    );
  });

  it('shows a refused code and lets the user try again or start over', async () => {
    const mutation = mfaHandlers(() => graphqlError('invalid code', 'UNAUTHENTICATED'));
    const { user } = setup({ mutation });
    await submitPassword(user);

    await user.type(await screen.findByRole('textbox', { name: 'Authentication code' }), '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('invalid code');
    expect(screen.getByRole('button', { name: 'Verify' })).toBeEnabled();

    await user.click(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});

describe('LoginPage, single sign-on', () => {
  it('sends the browser to the identity provider of a tenant with SSO', async () => {
    const query = vi.fn((_operation: Operation) => ({
      data: { ssoLogin: { __typename: 'SsoLogin', enabled: true, loginUrl: '/auth/oidc/acme/login' } },
    }));
    const { user } = setup({ query });

    await user.click(screen.getByRole('button', { name: 'Sign in with SSO' }));
    await user.type(screen.getByRole('textbox', { name: 'Tenant' }), 'acme');
    await user.click(screen.getByRole('button', { name: 'Continue with SSO' }));

    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith('/auth/oidc/acme/login'));
    expect(query.mock.calls[0]?.[0]).toMatchObject({ variables: { tenant: 'acme' } });
  });

  it('says so when the tenant has no SSO', async () => {
    const { user } = setup({
      query: () => ({ data: { ssoLogin: { __typename: 'SsoLogin', enabled: false, loginUrl: null } } }),
    });

    await user.click(screen.getByRole('button', { name: 'Sign in with SSO' }));
    await user.type(screen.getByRole('textbox', { name: 'Tenant' }), 'acme');
    await user.click(screen.getByRole('button', { name: 'Continue with SSO' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Single sign-on is not set up for the tenant “acme”');
  });

  it('shows why a single sign-on failed', async () => {
    setup({}, '/login?sso_error=domain_not_allowed');

    expect(await screen.findByRole('alert')).toHaveTextContent('Single sign-on failed: domain not allowed.');
  });
});
