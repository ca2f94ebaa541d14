import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ChangePasswordMutation } from '@/features/account/api/account-documents';
import {
  emptyPasswordDraft,
  MIN_PASSWORD_LENGTH,
  passwordErrors,
  type PasswordDraft,
  type PasswordField,
} from '@/features/account/utils/password-form';
import { PageHeader } from '@/components/page-header';
import { PASSWORD_CHECK_CONTEXT } from '@/lib/graphql-client';
import { errorMessage } from '@/lib/graphql-errors';
import { useRequiredSession } from '@/lib/session-context';
import styles from './change-password.module.css';

type Outcome = { kind: 'changed' } | { kind: 'failed'; message: string } | null;

type FieldSpec = { field: PasswordField; label: string; autoComplete: string; hint?: string };

const fields: FieldSpec[] = [
  { field: 'currentPassword', label: 'Current password', autoComplete: 'current-password' },
  {
    field: 'newPassword',
    label: 'New password',
    autoComplete: 'new-password',
    hint: `At least ${MIN_PASSWORD_LENGTH} characters. Common or breached passwords and your email address are refused.`,
  },
  { field: 'confirmation', label: 'Confirm new password', autoComplete: 'new-password' },
];

/**
 * /account/password: the signed-in user changes their own password. The
 * server signs out every other session of the user; this one stays.
 */
export function ChangePasswordPage() {
  const { user } = useRequiredSession();
  const id = useId();
  const [draft, setDraft] = useState<PasswordDraft>(emptyPasswordDraft);
  // Field errors show once the form has been sent, then follow the typing.
  const [checked, setChecked] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [state, changePassword] = useMutation(ChangePasswordMutation);
  const errors = checked ? passwordErrors(draft) : {};

  function edit(field: PasswordField, value: string) {
    setDraft({ ...draft, [field]: value });
    if (outcome?.kind === 'changed') setOutcome(null);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (state.fetching) return;
    setOutcome(null);
    const found = passwordErrors(draft);
    const invalid = fields.find(({ field }) => found[field]);
    if (invalid) {
      setChecked(true);
      const input = event.currentTarget.elements.namedItem(invalid.field);
      if (input instanceof HTMLInputElement) input.focus();
      return;
    }
    const result = await changePassword(
      { currentPassword: draft.currentPassword, newPassword: draft.newPassword },
      PASSWORD_CHECK_CONTEXT,
    );
    if (result.error || !result.data?.changePassword) {
      const message = result.error ? errorMessage(result.error) : 'the server did not confirm the change';
      setOutcome({ kind: 'failed', message });
      return;
    }
    setDraft(emptyPasswordDraft);
    setChecked(false);
    setOutcome({ kind: 'changed' });
  }

  return (
    <>
      <PageHeader
        title="Change password"
        description={`Signed in as ${user.email}. Changing the password signs out your other sessions, in every tenant; this one stays signed in.`}
      />
      <form className={styles.form} onSubmit={(event) => void submit(event)} noValidate aria-label="Change password">
        {/* For password managers: whose password this is. */}
        <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
        {fields.map(({ field, label, autoComplete, hint }) => {
          const error = errors[field];
          const describedBy = [error && `${id}-${field}-error`, hint && `${id}-${field}-hint`].filter(Boolean);
          return (
            <div key={field} className="field">
              <label htmlFor={`${id}-${field}`}>{label}</label>
              <input
                id={`${id}-${field}`}
                name={field}
                type="password"
                autoComplete={autoComplete}
                required
                value={draft[field]}
                onChange={(e) => edit(field, e.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy.length > 0 ? describedBy.join(' ') : undefined}
              />
              {error && (
                <p id={`${id}-${field}-error`} className={styles.error}>
                  {error}
                </p>
              )}
              {hint && (
                <p id={`${id}-${field}-hint`} className="hint">
                  {hint}
                </p>
              )}
            </div>
          );
        })}
        {outcome?.kind === 'failed' && (
          <p role="alert" className={`inline-alert ${styles.outcome}`}>
            The password was not changed: {outcome.message}
          </p>
        )}
        {outcome?.kind === 'changed' && (
          <p role="status" className={`inline-success ${styles.outcome}`}>
            Your password was changed. Your other sessions, in every tenant, were signed out; you stay signed in here.
          </p>
        )}
        <div className={styles.actions}>
          <button type="submit" className="button button-primary" disabled={state.fetching}>
            {state.fetching ? 'Changing password…' : 'Change password'}
          </button>
        </div>
        <p className="hint">
          If you sign in with single sign-on, you have no password here: your identity provider manages it.
        </p>
      </form>
    </>
  );
}
