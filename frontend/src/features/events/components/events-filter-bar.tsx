import { useId } from 'react';
import { SeverityFilter } from '@/components/severity-filter';
import type { EventFilterState } from '@/features/events/types/event-filter';
import styles from './events-filter-bar.module.css';

type EventsFilterBarProps = {
  value: EventFilterState;
  onChange: (value: EventFilterState) => void;
  onClear: () => void;
};

export function EventsFilterBar({ value, onChange, onClear }: EventsFilterBarProps) {
  const id = useId();
  const filtered = value.severities.length > 0 || value.host !== '' || value.search !== '';

  return (
    <div className={styles.bar} role="search" aria-label="Filter events">
      <SeverityFilter value={value.severities} onChange={(next) => onChange({ ...value, severities: next })} />
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
