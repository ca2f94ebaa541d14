import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { MfaEnrollPage } from '@/features/mfa/components/mfa-enroll-page';
import { saveBlob } from '@/lib/download';
import type { Session } from '@/lib/session';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { sessionPayload } from '@/testing/fixtures';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

vi.mock('@/lib/download', () => ({ saveBlob: vi.fn() }));

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DP';
const QR = 'data:image/png;base64,iVBORw0KGgo=';
const recoveryCodes = Array.from({ length: 10 }, (_, i) => `code${i}-abcde`);

const enrolling: Session = { ...sessionWithRole('TENANT_ADMIN', { mfaEnabled: false }), scope: 'MFA_ENROLLMENT' };

const routes = [
  { path: '/mfa/enroll', element: <MfaEnrollPage /> },
  { path: '/analyst', element: <p>Analyst view</p> },
  { path: '/login', element: <p>Login page</p> },
];

function setup(confirm: (operation: Operation) => ExecutionResult) {
  const mutation = vi.fn((operation: Operation): ExecutionResult => {
    if (operationName(operation) === 'BeginMfaEnrollment') {
      return {
        data: {
          beginMfaEnrollment: {
            __typename: 'MfaEnrollment',
            secret: SECRET,
            uri: `otpauth://totp/Scalefield:a?secret=${SECRET}`,
            qrCode: QR,
          },
        },
      };
    }
    if (operationName(operation) === 'ConfirmMfaEnrollment') return confirm(operation);
    return { data: { logout: true } };
  });
  const client = createTestClient({ mutation });
  const user = userEvent.setup();
  const utils = renderWithProviders(null, { client, routes, path: '/mfa/enroll', session: enrolling });
  return { user, mutation, ...utils };
}

const confirmed = (): ExecutionResult => ({
  data: {
    confirmMfaEnrollment: {
      __typename: 'MfaConfirmation',
      recoveryCodes,
      session: sessionPayload({ token: 'full-token', role: 'TENANT_ADMIN', mfaEnabled: true }),
    },
  },
});

describe('MfaEnrollPage', () => {
  it('shows the QR code and the setup key in groups of four, which copies whole', async () => {
    const { user, mutation } = setup(confirmed);

    const qr = await screen.findByRole('img', { name: 'QR code to scan with your authenticator app' });
    expect(qr).toHaveAttribute('src', QR);
    expect(screen.getByRole('textbox', { name: 'Setup key' })).toHaveValue('JBSW Y3DP EHPK 3PXP JBSW Y3DP');
    expect(mutation.mock.calls.filter(([op]) => operationName(op) === 'BeginMfaEnrollment')).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Copy key' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(screen.getByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('confirms a code, shows the recovery codes once, and continues only once they are saved', async () => {
    const { user, mutation, sessionStore, router } = setup(confirmed);

    await user.type(await screen.findByRole('textbox', { name: '6-digit code' }), '123456');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('heading', { name: 'Save your recovery codes' })).toBeInTheDocument();
    expect(mutation).toHaveBeenLastCalledWith(expect.objectContaining({ variables: { code: '123456' } }));
    const list = screen.getByRole('list', { name: 'Recovery codes' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(recoveryCodes);
    // The full session waits until the codes are saved.
    expect(sessionStore.getSnapshot().session?.scope).toBe('MFA_ENROLLMENT');

    const continueButton = screen.getByRole('button', { name: 'Continue' });
    expect(continueButton).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(recoveryCodes.join('\n'));
    await user.click(screen.getByRole('button', { name: 'Download .txt' }));
    expect(saveBlob).toHaveBeenCalledWith(expect.any(Blob), 'scalefield-recovery-codes.txt');
    const file = vi.mocked(saveBlob).mock.calls[0]![0];
    expect(await file.text()).toContain(recoveryCodes.join('\n'));
    expect(continueButton).toBeDisabled();

    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }));
    expect(continueButton).toBeEnabled();
    await user.click(continueButton);

    expect(await screen.findByText('Analyst view')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/analyst');
    expect(sessionStore.getSnapshot().session).toMatchObject({ token: 'full-token', scope: 'FULL' });
  });

  it('shows a refused code and keeps the setup on screen', async () => {
    const { user } = setup(() => graphqlError('invalid code', 'INVALID'));

    await user.type(await screen.findByRole('textbox', { name: '6-digit code' }), '000000');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('invalid code');
    expect(screen.getByRole('textbox', { name: 'Setup key' })).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).not.toBeInTheDocument();
  });

  it('lets the user sign out instead', async () => {
    const { user, sessionStore } = setup(confirmed);

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('Login page')).toBeInTheDocument();
    expect(sessionStore.getSnapshot().endReason).toBe('signed-out');
  });
});
