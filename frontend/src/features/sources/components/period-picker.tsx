import { useId } from 'react';
import { periods, type PeriodId } from '@/features/sources/types/period';
import styles from './sources.module.css';

type PeriodPickerProps = {
  value: PeriodId;
  onChange: (value: PeriodId) => void;
};

/** A radio group: arrow keys move between the periods. */
export function PeriodPicker({ value, onChange }: PeriodPickerProps) {
  const name = useId();
  return (
    <fieldset className={styles.periods}>
      <legend className="visually-hidden">Period</legend>
      <span className={styles.periodsLabel} aria-hidden="true">
        Last
      </span>
      {periods.map((period) => (
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
