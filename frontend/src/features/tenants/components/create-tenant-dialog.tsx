import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreateTenantMutation } from '@/features/tenants/api/tenants-documents';
import { Dialog, DialogActions } from '@/components/dialog';
import { errorMessage } from '@/lib/graphql-errors';

type CreateTenantDialogProps = {
  onCreated: (tenant: { name: string; slug: string }, adminEmail: string) => void;
  onClose: () => void;
};

const SLUG_PATTERN = '[a-z0-9][a-z0-9\\-]{0,61}[a-z0-9]';

export function CreateTenantDialog({ onCreated, onClose }: CreateTenantDialogProps) {
  const id = useId();
  const [{ fetching, error }, createTenant] = useMutation(CreateTenantMutation);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [adminEmail, setAdminEmail] = useState('');
  const [adminPassword, setAdminPassword] = useState('');

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await createTenant({
      input: {
        slug: slug.trim(),
        name: name.trim(),
        adminEmail: adminEmail.trim(),
        adminPassword: adminPassword || null,
      },
    });
    if (result.data) onCreated(result.data.createTenant, adminEmail.trim());
  }

  return (
    <Dialog
      title="Create tenant"
      description="A new organisation, with its data kept apart, and its first administrator."
      onClose={onClose}
      busy={fetching}
    >
      <form className="stack" onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            type="text"
            required
            autoComplete="off"
            placeholder="e.g. Acme Corp"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-autofocus
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-slug`}>Slug</label>
          <input
            id={`${id}-slug`}
            type="text"
            required
            autoComplete="off"
            spellCheck={false}
            pattern={SLUG_PATTERN}
            title="2-63 lower-case letters, digits and dashes"
            placeholder="e.g. acme"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
            aria-describedby={`${id}-slug-hint`}
          />
          <p id={`${id}-slug-hint`} className="hint">
            2-63 lower-case letters, digits and dashes. Members type it to sign in to this tenant.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>First administrator&apos;s email</label>
          <input
            id={`${id}-email`}
            type="email"
            required
            autoComplete="off"
            value={adminEmail}
            onChange={(e) => setAdminEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Administrator&apos;s password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={adminPassword}
            onChange={(e) => setAdminPassword(e.target.value)}
            aria-describedby={`${id}-password-hint`}
          />
          <p id={`${id}-password-hint`} className="hint">
            Only needed when this email has no Scalefield account yet. They will set up two-factor authentication at
            their first sign-in.
          </p>
        </div>
        {error && (
          <p className="inline-alert" role="alert">
            {errorMessage(error)}
          </p>
        )}
        <DialogActions>
          <button type="button" className="button" onClick={onClose} disabled={fetching}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={fetching}>
            {fetching ? 'Creating…' : 'Create tenant'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
