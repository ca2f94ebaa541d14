import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { GatherEnrollmentPage } from '@/features/gather-enrollment/components/gather-enrollment-page';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const FINGERPRINT = '9f'.repeat(32);
const created = {
  __typename: 'CreatedGatherEnrollmentToken',
  id: 'tok-1',
  name: 'db-0 orders',
  token: 'sfg_secret_once',
  expiresAt: new Date(Date.now() + 24 * 3_600_000).toISOString(),
  caFingerprint: FINGERPRINT,
  caCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};

function setup(answer: () => ExecutionResult = () => ({ data: { createGatherEnrollmentToken: created } })) {
  const mutation = vi.fn((_op: Operation) => answer());
  const client = createTestClient({ mutation });
  const user = userEvent.setup();
  renderWithProviders(<GatherEnrollmentPage />, {
    client,
    path: '/admin/gather',
    session: sessionWithRole('TENANT_ADMIN'),
  });
  return { user, mutation };
}

describe('GatherEnrollmentPage', () => {
  it('creates a token and shows it once with the CA fingerprint and a gather.yaml', async () => {
    const { user, mutation } = setup();

    await user.type(screen.getByRole('textbox', { name: 'Name' }), '  db-0 orders ');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Valid for' }), '7 days');
    await user.click(screen.getByRole('button', { name: 'Create enrollment token' }));

    await waitFor(() => expect(mutation).toHaveBeenCalledTimes(1));
    expect(mutation.mock.calls[0]![0].variables).toEqual({ name: 'db-0 orders', expiresInHours: 168 });
    expect(await screen.findByRole('heading', { name: 'Enrollment token “db-0 orders” created' })).toHaveFocus();
    expect(screen.getByRole('note')).toHaveTextContent('This is the only time the token is shown.');
    expect(screen.getByRole('textbox', { name: 'Enrollment token' })).toHaveValue('sfg_secret_once');
    expect(screen.getByRole('textbox', { name: 'CA fingerprint (sha256)' })).toHaveValue(FINGERPRINT);
    expect(screen.getByRole('button', { name: 'Copy token' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy fingerprint' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy gather.yaml' })).toBeInTheDocument();

    const yaml = screen.getByLabelText('gather.yaml');
    expect(yaml).toHaveTextContent(`url: https://${window.location.hostname}:8443`);
    expect(yaml).toHaveTextContent('token: sfg_secret_once');
    expect(yaml).toHaveTextContent(`ca_fingerprint: ${FINGERPRINT}`);
    expect(screen.getByLabelText('ca.pem')).toHaveTextContent('BEGIN CERTIFICATE');
  });

  it('puts the gather port the administrator enters into the snippet', async () => {
    const { user } = setup();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'db-1');
    await user.click(screen.getByRole('button', { name: 'Create enrollment token' }));
    const port = await screen.findByRole('spinbutton', { name: 'Gather listener port' });

    await user.clear(port);
    await user.type(port, '9443');
    expect(screen.getByLabelText('gather.yaml')).toHaveTextContent(`url: https://${window.location.hostname}:9443`);

    await user.clear(port);
    await user.type(port, '70000');
    expect(port).toHaveAttribute('aria-invalid', 'true');
    expect(port).toHaveAccessibleDescription('A port is a whole number from 1 to 65535.');
  });

  it('forgets the token when done', async () => {
    const { user } = setup();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'db-1');
    await user.click(screen.getByRole('button', { name: 'Create enrollment token' }));
    await user.click(await screen.findByRole('button', { name: 'Done — forget the token' }));

    expect(screen.queryByDisplayValue('sfg_secret_once')).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('');
  });

  it('says why the token could not be created', async () => {
    const { user } = setup(() => graphqlError('forbidden', 'FORBIDDEN'));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'db-1');
    await user.click(screen.getByRole('button', { name: 'Create enrollment token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('forbidden');
    expect(screen.queryByRole('textbox', { name: 'Enrollment token' })).not.toBeInTheDocument();
  });
});
