import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { ReprocessPage } from '@/features/reprocess/components/reprocess-page';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

function setup(answer?: () => ExecutionResult, role: 'OPERATOR' | 'ANALYST' = 'OPERATOR') {
  const mutation = vi.fn(
    (_op: Operation): ExecutionResult => answer?.() ?? { data: { reprocess: { queued: 42, removed: 40 } } },
  );
  const client = createTestClient({ mutation });
  const user = userEvent.setup();
  renderWithProviders(<ReprocessPage />, { client, path: '/operator/reprocess', session: sessionWithRole(role) });
  return { user, mutation };
}

function setRange(from: string, to: string) {
  fireEvent.change(screen.getByLabelText('Received from'), { target: { value: from } });
  fireEvent.change(screen.getByLabelText('Received before'), { target: { value: to } });
}

describe('ReprocessPage', () => {
  it('reprocesses a time range after confirming, and says what was queued', async () => {
    const { user, mutation } = setup();
    setRange('2026-11-01T00:00', '2026-11-02T00:00');

    await user.click(screen.getByRole('button', { name: 'Reprocess…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reprocess these records?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Reprocess' }));

    expect(
      await screen.findByText(/42 records queued for refinement; 40 normalized events removed/),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(mutation.mock.calls[0]![0].variables).toEqual({
      from: new Date('2026-11-01T00:00').toISOString(),
      to: new Date('2026-11-02T00:00').toISOString(),
    });
  });

  it('refuses a range whose start is not before its end', async () => {
    const { user, mutation } = setup();
    setRange('2026-11-02T00:00', '2026-11-01T00:00');

    await user.click(screen.getByRole('button', { name: 'Reprocess…' }));

    expect(screen.getByRole('alert')).toHaveTextContent('The start must be before the end.');
    expect(screen.getByLabelText('Received from')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(mutation).not.toHaveBeenCalled();
  });

  it('shows the server refusal in the dialog', async () => {
    const { user } = setup(() => graphqlError('you may not do this', 'FORBIDDEN'));
    setRange('2026-11-01T00:00', '2026-11-02T00:00');
    await user.click(screen.getByRole('button', { name: 'Reprocess…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reprocess these records?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reprocess' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('you may not do this');
  });

  it('is closed to roles without pipeline access', () => {
    setup(undefined, 'ANALYST');

    expect(screen.getByRole('alert')).toHaveTextContent('cannot reprocess events');
    expect(screen.queryByRole('button', { name: 'Reprocess…' })).not.toBeInTheDocument();
  });
});
