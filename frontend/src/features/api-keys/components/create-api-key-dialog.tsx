import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreateApiKeyMutation } from '@/features/api-keys/api/api-keys-documents';
import { apiKeyCurlExample, endOfDay, today } from '@/features/api-keys/utils/api-key-example';
import { Dialog, DialogActions } from '@/components/dialog';
import { OneTimeSecret } from '@/components/one-time-secret';
import { errorMessage } from '@/lib/graphql-errors';
import type { Role } from '@/lib/gql/graphql';
import { roleLabel } from '@/lib/roles';

type CreateApiKeyDialogProps = {
  roles: Role[];
  onCreated: () => void;
  onClose: () => void;
};

/** Creates a key, then shows its secret this once; closing forgets it. */
export function CreateApiKeyDialog({ roles, onCreated, onClose }: CreateApiKeyDialogProps) {
  const id = useId();
  const [{ fetching, error }, createApiKey] = useMutation(CreateApiKeyMutation);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('ANALYST') ? 'ANALYST' : (roles.at(-1) ?? 'VIEWER'));
  const [expiry, setExpiry] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await createApiKey({ input: { name: name.trim(), role, expiresAt: endOfDay(expiry) } });
    const answer = result.data?.createApiKey;
    if (!answer) return;
    setCreated({ name: answer.apiKey.name, secret: answer.secret });
    onCreated();
  }

  if (created) {
    return (
      <Dialog title="API key created" description={`“${created.name}” is ready to use.`} onClose={onClose} wide>
        <OneTimeSecret
          label="API key"
          secret={created.secret}
          example={apiKeyCurlExample(window.location.origin, created.secret)}
          exampleLabel="Try it"
        />
        <DialogActions>
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Create API key"
      description="For scripts and integrations calling the GraphQL API."
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
            placeholder="e.g. SOAR integration"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-autofocus
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            aria-describedby={`${id}-role-hint`}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
          <p id={`${id}-role-hint`} className="hint">
            What the key may do. At most your own role.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-expiry`}>Expires</label>
          <input
            id={`${id}-expiry`}
            type="date"
            min={today()}
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            aria-describedby={`${id}-expiry-hint`}
          />
          <p id={`${id}-expiry-hint`} className="hint">
            Optional. The key stops working at the end of this day (your time). Leave empty for a key that does not
            expire.
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
            {fetching ? 'Creating…' : 'Create API key'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
