import { useId, useState } from 'react';
import { normalizeDomain } from '@/features/sso/utils/sso-form';
import styles from './sso-settings.module.css';

type DomainListEditorProps = {
  value: string[];
  onChange: (domains: string[]) => void;
};

/** Allowed email domains: remove one with its ×, add one with the field (Enter or the button). */
export function DomainListEditor({ value, onChange }: DomainListEditorProps) {
  const id = useId();
  const [draft, setDraft] = useState('');

  function add() {
    const domain = normalizeDomain(draft);
    if (!domain) return;
    if (!value.includes(domain)) onChange([...value, domain]);
    setDraft('');
  }

  return (
    <div className="field">
      <label htmlFor={`${id}-add`}>Allowed email domains</label>
      {value.length > 0 && (
        <ul className={styles.chips} aria-label="Allowed email domains">
          {value.map((domain) => (
            <li key={domain} className={styles.chip}>
              {domain}
              <button
                type="button"
                className={styles.chipRemove}
                aria-label={`Remove ${domain}`}
                onClick={() => onChange(value.filter((d) => d !== domain))}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className={styles.addRow}>
        <input
          id={`${id}-add`}
          type="text"
          spellCheck={false}
          placeholder="example.com"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          aria-describedby={`${id}-hint`}
        />
        <button type="button" className="button" onClick={add} disabled={!normalizeDomain(draft)}>
          Add domain
        </button>
      </div>
      <p id={`${id}-hint`} className="hint">
        Only people whose email is in one of these domains may sign in. None listed allows any domain.
      </p>
    </div>
  );
}
