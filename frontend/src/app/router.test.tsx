import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Operation } from '@urql/core';
import { routes } from '@/app/router';
import type { Session } from '@/lib/session';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError, type TestHandlers } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole, testSession } from '@/testing/render';

function setup(path: string, session: Session | null, handlers: TestHandlers = {}) {
  const client = createTestClient(handlers);
  const user = userEvent.setup();
  const utils = renderWithProviders(null, { client, routes, path, session });
  return { user, ...utils };
}

describe('routes', () => {
  it('sends a visitor without a session to the login page', async () => {
    const { router } = setup('/', null);

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('opens the Analyst view by default after sign-in', async () => {
    const { router } = setup('/', testSession);

    expect(await screen.findByRole('heading', { name: 'Events' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/analyst');
    expect(screen.getByRole('status', { name: 'Live updates' })).toHaveTextContent('Live');
  });

  it('shows the product, tenant and user in the top bar', async () => {
    setup('/analyst', testSession);

    const banner = await screen.findByRole('banner');
    expect(within(banner).getByText('Scalefield')).toBeInTheDocument();
    expect(within(banner).getByText('Acme Corp')).toBeInTheDocument();
    expect(within(banner).getByText('analyst@example.com')).toBeInTheDocument();
    expect(within(banner).getByText('Analyst')).toBeInTheDocument();
  });

  it('navigates between the four views', async () => {
    const { user } = setup('/analyst', testSession);
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((link) => link.getAttribute('href')),
    ).toEqual(['/admin', '/management', '/operator', '/analyst']);
    expect(within(nav).getByRole('link', { name: /Analyst/ })).toHaveAttribute('aria-current', 'page');

    await user.click(within(nav).getByRole('link', { name: /Administration/ }));

    expect(screen.getByRole('heading', { name: 'Administration' })).toBeInTheDocument();
    expect(screen.getByText('You do not have access to administration.')).toBeInTheDocument();
  });

  it('signs out from the account menu, telling the server', async () => {
    const mutation = vi.fn((_operation: Operation) => ({ data: { logout: true } }));
    const { user, sessionStore } = setup('/operator', testSession, { mutation });

    const account = await screen.findByRole('button', { name: /analyst@example.com/ });
    expect(account).toHaveAttribute('aria-expanded', 'false');
    await user.click(account);
    expect(account).toHaveAttribute('aria-expanded', 'true');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByText('You have signed out.')).toBeInTheDocument();
    expect(sessionStore.getToken()).toBeNull();
    expect(mutation.mock.calls.map(([operation]) => operationName(operation))).toEqual(['Logout']);
  });

  it('signs out even when the server cannot be told', async () => {
    const { user, sessionStore } = setup('/operator', testSession, {
      mutation: () => graphqlError('internal error', 'INTERNAL'),
    });

    await user.click(await screen.findByRole('button', { name: /analyst@example.com/ }));
    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('You have signed out.')).toBeInTheDocument();
    expect(sessionStore.getToken()).toBeNull();
  });

  it('signs out everywhere after confirming', async () => {
    const mutation = vi.fn((_operation: Operation) => ({ data: { logoutEverywhere: true } }));
    const { user, sessionStore } = setup('/operator', testSession, { mutation });

    await user.click(await screen.findByRole('button', { name: /analyst@example.com/ }));
    await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }));

    expect(await screen.findByText('You have signed out on every device.')).toBeInTheDocument();
    expect(sessionStore.getToken()).toBeNull();
    expect(mutation.mock.calls.map(([operation]) => operationName(operation))).toEqual(['LogoutEverywhere']);
  });

  it('opens Change password from the account menu', async () => {
    const { user, router } = setup('/operator', testSession);

    const account = await screen.findByRole('button', { name: /analyst@example.com/ });
    await user.click(account);
    await user.click(screen.getByRole('link', { name: 'Change password' }));

    expect(await screen.findByRole('heading', { name: 'Change password', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/account/password');
    expect(account).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByLabelText('Current password')).toHaveAttribute('autocomplete', 'current-password');
  });

  it('keeps a session that must enrol MFA away from Change password', async () => {
    const enrolling = { ...sessionWithRole('TENANT_ADMIN', { mfaEnabled: false }), scope: 'MFA_ENROLLMENT' as const };
    const { router } = setup('/account/password', enrolling);

    expect(await screen.findByRole('heading', { name: 'Set up two-factor authentication' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/mfa/enroll');
  });

  it('returns to the page asked for after signing in', async () => {
    const { router } = setup('/management', null);

    await screen.findByRole('heading', { name: 'Sign in' });

    expect(router.state.location.state).toEqual({ from: '/management' });
  });

  it('keeps a session that must enrol MFA on the enrolment page', async () => {
    const enrolling = { ...sessionWithRole('TENANT_ADMIN', { mfaEnabled: false }), scope: 'MFA_ENROLLMENT' as const };
    const { router } = setup('/admin/users', enrolling);

    expect(await screen.findByRole('heading', { name: 'Set up two-factor authentication' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/mfa/enroll');
    expect(screen.queryByRole('navigation', { name: 'Views' })).not.toBeInTheDocument();
  });

  it('opens the first administration section the role may see', async () => {
    const { router } = setup('/admin', sessionWithRole('MANAGER'));

    await screen.findByRole('heading', { name: 'Users & roles' });
    expect(router.state.location.pathname).toBe('/admin/users');
    const tabs = screen.getByRole('navigation', { name: 'Administration sections' });
    expect(
      within(tabs)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual(['Users & roles', 'Audit log']);
  });

  it('shows tenant administrators every tenant section', async () => {
    setup('/admin/users', sessionWithRole('TENANT_ADMIN'));
    const tabs = await screen.findByRole('navigation', { name: 'Administration sections' });
    expect(
      within(tabs)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual([
      'Users & roles',
      'API keys',
      'HEC tokens',
      'Single sign-on',
      'Audit log',
      'Data retention',
      'Gather enrollment',
    ]);
  });

  it('shows platform administrators the tenants too', async () => {
    setup('/admin/users', sessionWithRole('PLATFORM_ADMIN'));
    const tabs = await screen.findByRole('navigation', { name: 'Administration sections' });
    expect(within(tabs).getByRole('link', { name: 'Tenants' })).toHaveAttribute('href', '/admin/tenants');
  });

  it('keeps gather enrollment to administrators', async () => {
    setup('/admin/gather', sessionWithRole('MANAGER'));

    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
    expect(screen.queryByRole('button', { name: 'Create enrollment token' })).not.toBeInTheDocument();
  });

  it('refuses a section the role may not open, even by its address', async () => {
    setup('/admin/api-keys', sessionWithRole('MANAGER'));

    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
  });

  it('lands managers on the Management overview', async () => {
    const { router } = setup('/', sessionWithRole('MANAGER'));

    // The overview (and ECharts) load with the page: slow on a busy machine.
    expect(await screen.findByRole('heading', { name: 'Overview', level: 1 }, { timeout: 15_000 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/management');
  });

  it('shows the Analyst view with tabs for the live events and the explorer', async () => {
    const query = vi.fn((_operation: Operation) => ({ data: null }));
    const { user, router } = setup('/analyst', testSession, { query });
    const tabs = await screen.findByRole('navigation', { name: 'Analyst sections' });
    expect(within(tabs).getByRole('link', { name: 'Live events' })).toHaveAttribute('aria-current', 'page');

    await user.click(within(tabs).getByRole('link', { name: 'Explorer' }));

    expect(await screen.findByRole('heading', { name: 'Event explorer' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/analyst/explorer');
    expect(within(tabs).getByRole('link', { name: 'Explorer' })).toHaveAttribute('aria-current', 'page');
    expect(within(tabs).getByRole('link', { name: 'Live events' })).not.toHaveAttribute('aria-current');
  });

  it('shows tenant administrators the data retention section', async () => {
    setup('/admin/retention', sessionWithRole('TENANT_ADMIN'));

    expect(await screen.findByRole('heading', { name: 'Data retention', level: 2 })).toBeInTheDocument();
  });

  it('refuses the data retention section to managers', async () => {
    setup('/admin/retention', sessionWithRole('MANAGER'));

    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
  });
});
