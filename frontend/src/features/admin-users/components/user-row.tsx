import { useState } from 'react';
import { Badge } from '@/components/badge';
import { tableStyles as styles } from '@/components/data-table';
import { formatDate } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { Role } from '@/lib/gql/graphql';
import { roleLabel } from '@/lib/roles';

export const UserRowFragment = graphql(`
  fragment UserRow_user on User {
    id
    email
    displayName
    role
    mfaEnabled
    createdAt
  }
`);

export type UserSummary = { id: string; email: string; role: Role };

type UserRowProps = {
  user: FragmentType<typeof UserRowFragment>;
  /** The signed-in user's own row: never editable. */
  isSelf: boolean;
  /** Roles the signed-in user may hand out; null when they may only read. */
  assignableRoles: Role[] | null;
  busy: boolean;
  onChangeRole: (user: UserSummary, role: Role) => void;
  onRemove: (user: UserSummary) => void;
};

export function UserRow(props: UserRowProps) {
  const user = getFragmentData(UserRowFragment, props.user);
  const { isSelf, assignableRoles } = props;
  // The draft follows the saved role until the user picks another.
  const [draft, setDraft] = useState({ saved: user.role, value: user.role });
  const value = draft.saved === user.role ? draft.value : user.role;
  const summary = { id: user.id, email: user.email, role: user.role };

  const manageable = assignableRoles !== null && assignableRoles.includes(user.role);
  const lockedReason = isSelf
    ? 'You cannot change your own role.'
    : !manageable && assignableRoles !== null
      ? 'Only someone with a higher role can change this member.'
      : null;

  return (
    <tr data-user-id={user.id}>
      <td>
        {user.email}
        {isSelf && <span className={styles.muted}> (you)</span>}
      </td>
      <td>{user.displayName || <span className={styles.missing}>—</span>}</td>
      <td>
        {assignableRoles === null ? (
          roleLabel(user.role)
        ) : (
          <form
            className={styles.inlineForm}
            onSubmit={(event) => {
              event.preventDefault();
              if (value !== user.role) props.onChangeRole(summary, value);
            }}
          >
            <select
              aria-label={`Role of ${user.email}`}
              value={value}
              disabled={lockedReason !== null || props.busy}
              title={lockedReason ?? undefined}
              onChange={(e) => setDraft({ saved: user.role, value: e.target.value as Role })}
            >
              {(manageable ? assignableRoles : [user.role]).map((role) => (
                <option key={role} value={role}>
                  {roleLabel(role)}
                </option>
              ))}
            </select>
            {lockedReason === null && (
              <button
                type="submit"
                className="button"
                aria-label={`Save role of ${user.email}`}
                disabled={value === user.role || props.busy}
              >
                Save
              </button>
            )}
          </form>
        )}
      </td>
      <td>{user.mfaEnabled ? <Badge tone="success">Yes</Badge> : <Badge tone="neutral">No</Badge>}</td>
      <td className={styles.muted}>
        <time dateTime={user.createdAt} title={user.createdAt}>
          {formatDate(user.createdAt)}
        </time>
      </td>
      {assignableRoles !== null && (
        <td className={styles.actions}>
          <button
            type="button"
            className={`button button-quiet button-danger-quiet ${styles.small}`}
            aria-label={`Remove ${user.email}`}
            disabled={lockedReason !== null || props.busy}
            title={isSelf ? 'You cannot remove yourself.' : (lockedReason ?? undefined)}
            onClick={() => props.onRemove(summary)}
          >
            Remove
          </button>
        </td>
      )}
    </tr>
  );
}
