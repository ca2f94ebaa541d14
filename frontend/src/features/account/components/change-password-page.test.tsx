import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { makeSubject } from 'wonka';
import { ChangePasswordPage } from '@/features/account/components/change-password-page';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError, type TestHandlers } from '@/testing/test-client';
import { renderWithProviders, testSession } from '@/testing/render';

const CURRENT = 'the old passphrase';
const NEXT = 'correct horse battery staple';

function setup(mutation: TestHandlers['mutation'] = () => ({ data: { changePassword: true } })) {
  const handler = vi.fn(mutation);
  const client = createTestClient({ mutation: handler });
  const user = userEvent.setup();
  const utils = renderWithProviders(<ChangePasswordPage />, {
    client,
    path: '/account/password',
    session: testSession,
  });
  const current = screen.getByLabelText('Current password');
  const next = screen.getByLabelText('New password');
  const confirmation = screen.getByLabelText('Confirm new password');
  const submit = screen.getByRole('button', { name: 'Change password' });
  return { user, mutation: handler, current, next, confirmation, submit, ...utils };
}

describe('ChangePasswordPage', () => {
  it('asks for the three passwords, with what password managers need', () => {
    const { current, next, confirmation } = setup();

    expect(screen.getByRole('heading', { name: 'Change password', level: 1 })).toBeInTheDocument();
    expect(current).toHaveAttribute('type', 'password');
    expect(current).toHaveAttribute('autocomplete', 'current-password');
    expect(next).toHaveAttribute('type', 'password');
    expect(next).toHaveAttribute('autocomplete', 'new-password');
    expect(next).toHaveAccessibleDescription(
      'At least 12 characters. Common or breached passwords and your email address are refused.',
    );
    expect(confirmation).toHaveAttribute('type', 'password');
    expect(confirmation).toHaveAttribute('autocomplete', 'new-password');
  });

  it('requires every field before sending anything', async () => {
    const { user, mutation, current, submit } = setup();

    await user.click(submit);

    expect(screen.getByText('Enter your current password.')).toBeInTheDocument();
    expect(screen.getByText('Enter a new password.')).toBeInTheDocument();
    expect(screen.getByText('Repeat the new password.')).toBeInTheDocument();
    expect(current).toHaveAttribute('aria-invalid', 'true');
    expect(current).toHaveFocus();
    expect(mutation).not.toHaveBeenCalled();
  });

  it('refuses a short new password and a confirmation that does not match', async () => {
    const { user, mutation, current, next, confirmation, submit } = setup();

    await user.type(current, CURRENT);
    await user.type(next, 'too short');
    await user.type(confirmation, 'something else');
    await user.click(submit);

    expect(next).toHaveAccessibleDescription(
      'The new password must be at least 12 characters. At least 12 characters. Common or breached passwords and your email address are refused.',
    );
    expect(next).toHaveFocus();
    expect(confirmation).toHaveAccessibleDescription('The passwords do not match.');
    expect(mutation).not.toHaveBeenCalled();

    // The messages follow the corrections.
    await user.clear(next);
    await user.type(next, NEXT);
    await user.clear(confirmation);
    await user.type(confirmation, NEXT);
    expect(screen.queryByText('The passwords do not match.')).not.toBeInTheDocument();
    expect(screen.queryByText(/must be at least 12 characters/)).not.toBeInTheDocument();
    expect(next).not.toHaveAttribute('aria-invalid');
  });

  it('refuses a new password equal to the current one', async () => {
    const { user, mutation, current, next, confirmation, submit } = setup();

    await user.type(current, CURRENT);
    await user.type(next, CURRENT);
    await user.type(confirmation, CURRENT);
    await user.click(submit);

    expect(screen.getByText('The new password must differ from the current one.')).toBeInTheDocument();
    expect(mutation).not.toHaveBeenCalled();
  });

  it('changes the password, clears the form and says the other sessions were signed out', async () => {
    const { user, mutation, current, next, confirmation, submit, sessionStore } = setup();

    await user.type(current, CURRENT);
    await user.type(next, NEXT);
    await user.type(confirmation, NEXT);
    await user.click(submit);

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Your password was changed. Your other sessions, in every tenant, were signed out; you stay signed in here.',
    );
    expect(mutation).toHaveBeenCalledTimes(1);
    const operation = mutation.mock.calls[0]![0];
    expect(operationName(operation)).toBe('ChangePassword');
    expect(operation.variables).toEqual({ currentPassword: CURRENT, newPassword: NEXT });
    // A wrong current password must not be taken for a refused token.
    expect(operation.context.passwordCheck).toBe(true);
    expect(current).toHaveValue('');
    expect(next).toHaveValue('');
    expect(confirmation).toHaveValue('');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(sessionStore.getToken()).toBe(testSession.token);
  });

  it('shows a wrong current password and keeps the session and what was typed', async () => {
    const { user, current, next, confirmation, submit, sessionStore } = setup(() =>
      graphqlError('the current password is wrong', 'UNAUTHENTICATED'),
    );

    await user.type(current, 'not the password');
    await user.type(next, NEXT);
    await user.type(confirmation, NEXT);
    await user.click(submit);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The password was not changed: the current password is wrong',
    );
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    expect(next).toHaveValue(NEXT);
    expect(sessionStore.getToken()).toBe(testSession.token);
  });

  it('shows which rule of the password policy the server refused', async () => {
    const { user, current, next, confirmation, submit } = setup(() =>
      graphqlError('password must not contain your email address', 'INVALID'),
    );

    await user.type(current, CURRENT);
    await user.type(next, 'analyst@example.com!');
    await user.type(confirmation, 'analyst@example.com!');
    await user.click(submit);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The password was not changed: password must not contain your email address',
    );
  });

  it('cannot be sent twice while the change is in flight', async () => {
    const answer = makeSubject<ExecutionResult>();
    const { user, mutation, current, next, confirmation, submit } = setup((_operation: Operation) => answer.source);

    await user.type(current, CURRENT);
    await user.type(next, NEXT);
    await user.type(confirmation, NEXT);
    await user.click(submit);

    const busy = await screen.findByRole('button', { name: 'Changing password…' });
    expect(busy).toBeDisabled();
    await user.click(busy);
    expect(mutation).toHaveBeenCalledTimes(1);

    answer.next({ data: { changePassword: true } });

    expect(await screen.findByRole('status')).toHaveTextContent('Your password was changed.');
    expect(screen.getByRole('button', { name: 'Change password' })).toBeEnabled();
  });
});
