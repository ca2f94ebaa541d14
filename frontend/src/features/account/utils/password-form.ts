/** The change-password form as typed. */
export type PasswordDraft = {
  currentPassword: string;
  newPassword: string;
  confirmation: string;
};

export type PasswordField = keyof PasswordDraft;

export type PasswordErrors = Partial<Record<PasswordField, string>>;

export const emptyPasswordDraft: PasswordDraft = { currentPassword: '', newPassword: '', confirmation: '' };

/** The server's minimum length (auth.MinPasswordLength). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * What is wrong with the draft before it is sent. The server checks the rest
 * of the policy (common and breached passwords, the email address).
 */
export function passwordErrors(draft: PasswordDraft): PasswordErrors {
  const errors: PasswordErrors = {};
  if (!draft.currentPassword) errors.currentPassword = 'Enter your current password.';
  if (!draft.newPassword) {
    errors.newPassword = 'Enter a new password.';
  } else if (characterCount(draft.newPassword) < MIN_PASSWORD_LENGTH) {
    errors.newPassword = `The new password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  } else if (draft.newPassword === draft.currentPassword) {
    errors.newPassword = 'The new password must differ from the current one.';
  }
  if (!draft.confirmation) errors.confirmation = 'Repeat the new password.';
  else if (draft.confirmation !== draft.newPassword) errors.confirmation = 'The passwords do not match.';
  return errors;
}

/** Characters as the server counts them (code points, not UTF-16 units). */
function characterCount(text: string): number {
  return [...text].length;
}
