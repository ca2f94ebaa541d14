import { useId } from 'react';
import type { RoleMappingRow } from '@/features/sso/types/sso-form';
import { mappingRow } from '@/features/sso/utils/sso-form';
import type { Role } from '@/lib/gql/graphql';
import { roleLabel } from '@/lib/roles';
import styles from './sso-settings.module.css';

type RoleMappingsEditorProps = {
  value: RoleMappingRow[];
  roles: Role[];
  onChange: (rows: RoleMappingRow[]) => void;
};

/** Editable rows of "members of this group get this role". */
export function RoleMappingsEditor({ value, roles, onChange }: RoleMappingsEditorProps) {
  const id = useId();

  function update(key: number, change: Partial<RoleMappingRow>) {
    onChange(value.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }

  return (
    <div className="field" role="group" aria-labelledby={`${id}-label`} aria-describedby={`${id}-hint`}>
      <span id={`${id}-label`} className={styles.groupLabel}>
        Role mappings
      </span>
      {value.length > 0 && (
        <ul className={styles.mappings}>
          {value.map((row, index) => (
            <li key={row.key} className={styles.mapping}>
              <input
                type="text"
                aria-label={`Group of mapping ${index + 1}`}
                placeholder="group name from the IdP"
                spellCheck={false}
                value={row.group}
                onChange={(e) => update(row.key, { group: e.target.value })}
              />
              <select
                aria-label={`Role of mapping ${index + 1}`}
                value={row.role}
                onChange={(e) => update(row.key, { role: e.target.value as Role })}
              >
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {roleLabel(role)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="button button-quiet button-danger-quiet"
                aria-label={`Remove mapping ${index + 1}`}
                onClick={() => onChange(value.filter((r) => r.key !== row.key))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div>
        <button type="button" className="button" onClick={() => onChange([...value, mappingRow()])}>
          Add mapping
        </button>
      </div>
      <p id={`${id}-hint`} className="hint">
        A user in several mapped groups gets the highest of their roles. Rows without a group are ignored.
      </p>
    </div>
  );
}
