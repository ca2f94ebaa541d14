import { useId } from 'react';
import styles from './period-picker.module.css';

export type PeriodOption<T extends string> = {
  id: T;
  /** Short, on the control: "7 days". */
  label: string;
};

type PeriodPickerProps<T extends string> = {
  periods: readonly PeriodOption<T>[];
  value: T;
  onChange: (value: T) => void;
};

/**
 * The periods a page can show, ending now, as a segmented control read
 * "Last 1 hour | 24 hours | …". It is a radio group: arrow keys move
 * between the periods.
 */
export function PeriodPicker<T extends string>({ periods, value, onChange }: PeriodPickerProps<T>) {
  const name = useId();
  return (
    <fieldset className={styles.periods}>
      <legend className="visually-hidden">Period</legend>
      <span className={styles.label} aria-hidden="true">
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
