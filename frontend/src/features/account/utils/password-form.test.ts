import { describe, expect, it } from 'vitest';
import { emptyPasswordDraft, passwordErrors } from '@/features/account/utils/password-form';

const valid = {
  currentPassword: 'the old passphrase',
  newPassword: 'correct horse battery',
  confirmation: 'correct horse battery',
};

describe('passwordErrors', () => {
  it('accepts a complete draft', () => {
    expect(passwordErrors(valid)).toEqual({});
  });

  it('requires every field', () => {
    expect(passwordErrors(emptyPasswordDraft)).toEqual({
      currentPassword: 'Enter your current password.',
      newPassword: 'Enter a new password.',
      confirmation: 'Repeat the new password.',
    });
  });

  it('wants at least 12 characters, counted as the server counts them', () => {
    expect(passwordErrors({ ...valid, newPassword: 'eleven char', confirmation: 'eleven char' })).toEqual({
      newPassword: 'The new password must be at least 12 characters.',
    });
    // Twelve characters, some outside the Basic Multilingual Plane.
    const twelve = '🔑🔑🔑🔑abcdefgh';
    expect(passwordErrors({ ...valid, newPassword: twelve, confirmation: twelve })).toEqual({});
  });

  it('wants a new password that differs from the current one', () => {
    const same = { ...valid, newPassword: valid.currentPassword, confirmation: valid.currentPassword };
    expect(passwordErrors(same)).toEqual({ newPassword: 'The new password must differ from the current one.' });
  });

  it('wants the confirmation to match', () => {
    expect(passwordErrors({ ...valid, confirmation: 'correct horse battery!' })).toEqual({
      confirmation: 'The passwords do not match.',
    });
  });
});
