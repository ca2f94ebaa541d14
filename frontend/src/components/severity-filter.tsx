import { severities, severityLabel } from '@/components/severity-badge';
import type { Severity } from '@/lib/gql/graphql';
import styles from './severity-filter.module.css';

type SeverityFilterProps = {
  value: readonly Severity[];
  onChange: (value: Severity[]) => void;
};

/**
 * The severities to show, as checkbox chips from Critical down. What it
 * reports keeps that order, whatever order they were ticked in.
 */
export function SeverityFilter({ value, onChange }: SeverityFilterProps) {
  function toggle(severity: Severity, checked: boolean) {
    const next = checked ? [...value, severity] : value.filter((s) => s !== severity);
    onChange(severities.filter((s) => next.includes(s)));
  }

  return (
    <fieldset className={styles.severities}>
      <legend className={styles.legend}>Severity</legend>
      <div className={styles.chips}>
        {severities.map((severity) => (
          <label key={severity} className={styles.chip} data-severity={severity}>
            <input
              type="checkbox"
              checked={value.includes(severity)}
              onChange={(e) => toggle(severity, e.target.checked)}
            />
            {severityLabel(severity)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
