import { useId } from 'react';
import { knownAuditActions, type AuditFilterState } from '@/features/audit/types/audit-filter';
import styles from './audit.module.css';

type AuditFilterBarProps = {
  value: AuditFilterState;
  onChange: (value: AuditFilterState) => void;
  onClear: () => void;
};

export function AuditFilterBar({ value, onChange, onClear }: AuditFilterBarProps) {
  const id = useId();
  const filtered = Object.values(value).some((v) => v !== '');

  return (
    <div className={styles.filters} role="search" aria-label="Filter the audit log">
      <div className={`field ${styles.action}`}>
        <label htmlFor={`${id}-action`}>Action</label>
        <input
          id={`${id}-action`}
          type="text"
          list={`${id}-actions`}
          spellCheck={false}
          placeholder="e.g. auth.login.failed"
          value={value.action}
          onChange={(e) => onChange({ ...value, action: e.target.value })}
        />
        <datalist id={`${id}-actions`}>
          {knownAuditActions.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
      </div>
      <div className={`field ${styles.actor}`}>
        <label htmlFor={`${id}-actor`}>Actor ID</label>
        <input
          id={`${id}-actor`}
          type="text"
          spellCheck={false}
          placeholder="user or key id"
          value={value.actorId}
          onChange={(e) => onChange({ ...value, actorId: e.target.value })}
        />
      </div>
      <div className={`field ${styles.date}`}>
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="datetime-local"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => onChange({ ...value, from: e.target.value })}
        />
      </div>
      <div className={`field ${styles.date}`}>
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="datetime-local"
          value={value.to}
          min={value.from || undefined}
          onChange={(e) => onChange({ ...value, to: e.target.value })}
        />
      </div>
      <button type="button" className={`button button-quiet ${styles.clear}`} onClick={onClear} disabled={!filtered}>
        Clear filters
      </button>
    </div>
  );
}
