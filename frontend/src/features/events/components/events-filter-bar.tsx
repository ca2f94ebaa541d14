import { useId } from 'react';
import { severityLabel } from '@/components/severity-badge';
import { severities, type EventFilterState } from '@/features/events/types/event-filter';
import type { Severity } from '@/lib/gql/graphql';
import styles from './events-filter-bar.module.css';

type EventsFilterBarProps = {
  value: EventFilterState;
  onChange: (value: EventFilterState) => void;
  onClear: () => void;
};

export function EventsFilterBar({ value, onChange, onClear }: EventsFilterBarProps) {
  const id = useId();
  const filtered = value.severities.length > 0 || value.host !== '' || value.search !== '';

  function toggleSeverity(severity: Severity, checked: boolean) {
    const next = checked ? [...value.severities, severity] : value.severities.filter((s) => s !== severity);
    onChange({ ...value, severities: severities.filter((s) => next.includes(s)) });
  }

  return (
    <div className={styles.bar} role="search" aria-label="Filter events">
      <fieldset className={styles.severities}>
        <legend className={styles.legend}>Severity</legend>
        <div className={styles.chips}>
          {severities.map((severity) => (
            <label key={severity} className={styles.chip} data-severity={severity}>
              <input
                type="checkbox"
                checked={value.severities.includes(severity)}
                onChange={(e) => toggleSeverity(severity, e.target.checked)}
              />
              {severityLabel(severity)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className={`field ${styles.host}`}>
        <label htmlFor={`${id}-host`}>Host</label>
        <input
          id={`${id}-host`}
          type="text"
          placeholder="exact host name"
          spellCheck={false}
          value={value.host}
          onChange={(e) => onChange({ ...value, host: e.target.value })}
        />
      </div>
      <div className={`field ${styles.search}`}>
        <label htmlFor={`${id}-search`}>Message contains</label>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="search messages"
          spellCheck={false}
          value={value.search}
          onChange={(e) => onChange({ ...value, search: e.target.value })}
        />
      </div>
      <button type="button" className={`button button-quiet ${styles.clear}`} onClick={onClear} disabled={!filtered}>
        Clear filters
      </button>
    </div>
  );
}
