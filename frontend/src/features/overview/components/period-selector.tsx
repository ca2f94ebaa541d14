import { useId } from 'react';
import { overviewPeriods, type OverviewPeriodId } from '@/features/overview/types/period';
import styles from './overview.module.css';

type PeriodSelectorProps = {
  value: OverviewPeriodId;
  onChange: (value: OverviewPeriodId) => void;
};

/** A radio group: arrow keys move between the periods. */
export function PeriodSelector({ value, onChange }: PeriodSelectorProps) {
  const name = useId();
  return (
    <fieldset className={styles.periods}>
      <legend className="visually-hidden">Period</legend>
      <span className={styles.periodsLabel} aria-hidden="true">
        Last
      </span>
      {overviewPeriods.map((period) => (
        <label key={period.id} className={styles.period}>
          <input
            type="radio"
            name={name}
            value={period.id}
            checked={value === period.id}
            onChange={() => onChange(period.id)}
          />
          {period.label}
        </label>
      ))}
    </fieldset>
  );
}
