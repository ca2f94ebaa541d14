import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { SsoSettingsPage } from '@/features/sso/components/sso-settings-page';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const stored = {
  __typename: 'SsoSettings',
  enabled: true,
  issuer: 'https://idp.example/realms/acme',
  clientId: 'scalefield',
  clientSecretSet: true,
  allowedDomains: ['acme.example'],
  groupsClaim: 'groups',
  roleMappings: [{ __typename: 'SsoRoleMapping', group: 'secops', role: 'ANALYST' }],
  defaultRole: null,
  redirectUrl: 'https://scalefield.example/auth/oidc/acme/callback',
  updatedAt: '2026-11-20T10:00:00Z',
};

function setup(settings: typeof stored | null, mutation: (op: Operation) => ExecutionResult) {
  const mutationMock = vi.fn(mutation);
  const client = createTestClient({ query: () => ({ data: { ssoSettings: settings } }), mutation: mutationMock });
  const user = userEvent.setup();
  renderWithProviders(<SsoSettingsPage />, { client, path: '/admin/sso', session: sessionWithRole('TENANT_ADMIN') });
  return { user, mutation: mutationMock };
}

describe('SsoSettingsPage', () => {
  it('shows the stored settings, the redirect URL and that a secret is stored', async () => {
    setup(stored, () => ({ data: { updateSsoSettings: stored } }));

    expect(await screen.findByRole('textbox', { name: 'Issuer URL' })).toHaveValue('https://idp.example/realms/acme');
    expect(screen.getByRole('textbox', { name: 'Redirect URL' })).toHaveValue(
      'https://scalefield.example/auth/oidc/acme/callback',
    );
    expect(screen.getByLabelText('Client secret')).toHaveAttribute('placeholder', 'stored');
    expect(screen.getByRole('list', { name: 'Allowed email domains' })).toHaveTextContent('acme.example');
    expect(screen.getByRole('textbox', { name: 'Group of mapping 1' })).toHaveValue('secops');
    expect(screen.getByRole('combobox', { name: 'Users in no mapped group' })).toHaveValue('');
  });

  it('saves edits without the secret when it is left blank', async () => {
    const { user, mutation } = setup(stored, () => ({ data: { updateSsoSettings: stored } }));
    await screen.findByRole('textbox', { name: 'Issuer URL' });

    await user.type(screen.getByRole('textbox', { name: 'Allowed email domains' }), 'Example.ORG{Enter}');
    await user.click(screen.getByRole('button', { name: 'Remove acme.example' }));
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    await user.type(screen.getByRole('textbox', { name: 'Group of mapping 2' }), 'secops-admins');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Role of mapping 2' }), 'TENANT_ADMIN');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Users in no mapped group' }), 'VIEWER');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText('Single sign-on settings saved.')).toHaveAttribute('role', 'status');
    expect(mutation.mock.calls[0]?.[0].variables).toEqual({
      input: {
        enabled: true,
        issuer: 'https://idp.example/realms/acme',
        clientId: 'scalefield',
        allowedDomains: ['example.org'],
        groupsClaim: 'groups',
        roleMappings: [
          { group: 'secops', role: 'ANALYST' },
          { group: 'secops-admins', role: 'TENANT_ADMIN' },
        ],
        defaultRole: 'VIEWER',
      },
    });
  });

  it('shows the validation message of the API', async () => {
    const { user } = setup(null, () => graphqlError('issuer: discovery document not reachable', 'INVALID'));
    await screen.findByRole('textbox', { name: 'Issuer URL' });

    await user.type(screen.getByRole('textbox', { name: 'Issuer URL' }), 'https://idp.invalid');
    await user.type(screen.getByRole('textbox', { name: 'Client ID' }), 'scalefield');
    await user.type(screen.getByLabelText('Client secret'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The settings were not saved: issuer: discovery document not reachable',
    );
    expect(screen.getByRole('textbox', { name: 'Redirect URL' })).toHaveAttribute(
      'placeholder',
      'shown once the settings are saved',
    );
  });
});
