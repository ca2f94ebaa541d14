import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { routes } from '@/app/router';
import { createTestClient } from '@/testing/test-client';
import { renderWithProviders, testSession } from '@/testing/render';

function setup(path: string, signedIn: boolean) {
  const client = createTestClient({});
  const user = userEvent.setup();
  const utils = renderWithProviders(null, { client, routes, path, session: signedIn ? testSession : null });
  return { user, ...utils };
}

describe('routes', () => {
  it('sends a visitor without a session to the login page', async () => {
    const { router } = setup('/', false);

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('opens the Analyst view by default after sign-in', async () => {
    const { router } = setup('/', true);

    expect(await screen.findByRole('heading', { name: 'Events' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/analyst');
    expect(screen.getByRole('status', { name: 'Live updates' })).toHaveTextContent('Live');
  });

  it('shows the product, tenant and user in the top bar', async () => {
    setup('/analyst', true);

    const banner = await screen.findByRole('banner');
    expect(within(banner).getByText('Scalefield')).toBeInTheDocument();
    expect(within(banner).getByText('Acme Corp')).toBeInTheDocument();
    expect(within(banner).getByText('analyst@example.com')).toBeInTheDocument();
    expect(within(banner).getByText('Analyst')).toBeInTheDocument();
  });

  it('navigates between the four views', async () => {
    const { user } = setup('/analyst', true);
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((link) => link.getAttribute('href')),
    ).toEqual(['/admin', '/management', '/operator', '/analyst']);
    expect(within(nav).getByRole('link', { name: /Analyst/ })).toHaveAttribute('aria-current', 'page');

    await user.click(within(nav).getByRole('link', { name: /Administration/ }));

    expect(screen.getByRole('heading', { name: 'Administration' })).toBeInTheDocument();
    expect(
      screen.getByText('Tenants, users, roles, API keys and HEC tokens will be managed here.'),
    ).toBeInTheDocument();
  });

  it('signs out to the login page', async () => {
    const { user, sessionStore } = setup('/operator', true);

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByText('You have signed out.')).toBeInTheDocument();
    expect(sessionStore.getToken()).toBeNull();
  });

  it('returns to the page asked for after signing in', async () => {
    const { router } = setup('/management', false);

    await screen.findByRole('heading', { name: 'Sign in' });

    expect(router.state.location.state).toEqual({ from: '/management' });
  });
});
