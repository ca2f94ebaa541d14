import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { AddUserMutation } from '@/features/admin-users/api/users-documents';
import { Dialog, DialogActions } from '@/components/dialog';
import { errorMessage } from '@/lib/graphql-errors';
import type { Role } from '@/lib/gql/graphql';
import { roleLabel } from '@/lib/roles';

type AddUserDialogProps = {
  tenantName: string;
  roles: Role[];
  onAdded: (email: string, role: Role) => void;
  onClose: () => void;
};

export function AddUserDialog({ tenantName, roles, onAdded, onClose }: AddUserDialogProps) {
  const id = useId();
  const [{ fetching, error }, addUser] = useMutation(AddUserMutation);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('ANALYST') ? 'ANALYST' : (roles.at(-1) ?? 'VIEWER'));

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await addUser({
      input: {
        email: email.trim(),
        displayName: displayName.trim() || null,
        password: password || null,
        role,
      },
    });
    if (result.data) onAdded(result.data.addUser.email, result.data.addUser.role);
  }

  return (
    <Dialog title="Add user" description={`Give someone access to ${tenantName}.`} onClose={onClose} busy={fetching}>
      <form onSubmit={handleSubmit} className="stack">
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-autofocus
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Display name</label>
          <input
            id={`${id}-name`}
            type="text"
            autoComplete="off"
            placeholder="optional"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={`${id}-password-hint`}
          />
          <p id={`${id}-password-hint`} className="hint">
            Only needed when this email has no Scalefield account yet. An existing account keeps its own password and
            simply gets access to this tenant.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
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
            {fetching ? 'Adding…' : 'Add user'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
