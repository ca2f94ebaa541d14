import { useId, useState, type FormEvent } from 'react';
import { SeverityFilter } from '@/components/severity-filter';
import {
  emptyExplorerFilter,
  rangeOptions,
  type ExplorerFilterState,
  type RangeChoice,
} from '@/features/explorer/types/explorer-filter';
import { countryError, customRangeError, ipOrCidrError } from '@/features/explorer/utils/explorer-filter';
import { ocsfClasses } from '@/lib/ocsf';
import styles from './explorer.module.css';

type ExplorerFilterBarProps = {
  value: ExplorerFilterState;
  onChange: (value: ExplorerFilterState) => void;
};

/**
 * Time range, severities, class and "threat matched" apply at once; the
 * text fields (and a custom range) apply together on Enter or "Apply", once
 * they validate.
 */
export function ExplorerFilterBar({ value, onChange }: ExplorerFilterBarProps) {
  const id = useId();
  // The text fields start again from the applied filter whenever it changes
  // elsewhere (a facet, a removed chip, the Back button).
  const textKey = JSON.stringify([
    value.search,
    value.ip,
    value.user,
    value.host,
    value.country,
    value.range,
    value.from,
    value.to,
  ]);

  const classValue =
    value.classUids.length === 1 ? String(value.classUids[0]) : value.classUids.length > 1 ? 'several' : '';

  return (
    <div className={styles.filterBar} role="search" aria-label="Filter events">
      <div className={styles.filterRow}>
        <SeverityFilter value={value.severities} onChange={(next) => onChange({ ...value, severities: next })} />
        <div className={`field ${styles.classField}`}>
          <label htmlFor={`${id}-class`}>Class</label>
          <select
            id={`${id}-class`}
            value={classValue}
            onChange={(e) =>
              e.target.value !== 'several' &&
              onChange({ ...value, classUids: e.target.value === '' ? [] : [Number(e.target.value)] })
            }
          >
            <option value="">Any class</option>
            {value.classUids.length > 1 && <option value="several">{value.classUids.length} classes</option>}
            {ocsfClasses.map((c) => (
              <option key={c.uid} value={c.uid}>
                {c.name} ({c.uid})
              </option>
            ))}
          </select>
        </div>
        <label className={`check ${styles.threat}`}>
          <input
            type="checkbox"
            checked={value.threatOnly}
            onChange={(e) => onChange({ ...value, threatOnly: e.target.checked })}
          />
          Threat matched only
        </label>
      </div>
      <TextFilters key={textKey} value={value} onChange={onChange} />
    </div>
  );
}

type Draft = {
  range: RangeChoice;
  from: string;
  to: string;
  search: string;
  ip: string;
  user: string;
  host: string;
  country: string;
};

type DraftErrors = Partial<Record<'range' | 'ip' | 'country', string>>;

function validate(draft: Draft): DraftErrors {
  const errors: DraftErrors = {};
  const ip = ipOrCidrError(draft.ip);
  if (ip) errors.ip = ip;
  const country = countryError(draft.country);
  if (country) errors.country = country;
  if (draft.range === 'custom') {
    const range = customRangeError(fromLocalInput(draft.from), fromLocalInput(draft.to));
    if (range) errors.range = range;
  }
  return errors;
}

function TextFilters({ value, onChange }: ExplorerFilterBarProps) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => ({
    range: value.range,
    from: value.range === 'custom' ? toLocalInput(value.from) : '',
    to: value.range === 'custom' ? toLocalInput(value.to) : '',
    search: value.search,
    ip: value.ip,
    user: value.user,
    host: value.host,
    country: value.country,
  }));
  // A shared link with a bad value says so at once; otherwise errors show after Apply.
  const [errors, setErrors] = useState<DraftErrors>(() => validate({ ...draft, range: 'all' }));
  const set = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }));

  function chooseRange(range: RangeChoice) {
    if (range !== 'custom') {
      onChange({ ...value, range, from: '', to: '' });
      return;
    }
    const now = Date.now();
    set({
      range,
      from: draft.from || toLocalInput(new Date(now - 24 * 3_600_000).toISOString()),
      to: draft.to || toLocalInput(new Date(now).toISOString()),
    });
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    const found = validate(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const custom = draft.range === 'custom';
    onChange({
      ...value,
      range: draft.range,
      from: custom ? fromLocalInput(draft.from) : '',
      to: custom ? fromLocalInput(draft.to) : '',
      search: draft.search.trim(),
      ip: draft.ip.trim(),
      user: draft.user.trim(),
      host: draft.host.trim(),
      country: draft.country.trim().toUpperCase(),
    });
  }

  const invalid = (name: keyof DraftErrors) =>
    errors[name] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${name}-error` } : {};

  return (
    <form className={styles.filterRow} onSubmit={apply} noValidate>
      <div className={`field ${styles.rangeField}`}>
        <label htmlFor={`${id}-range`}>Time range</label>
        <select id={`${id}-range`} value={draft.range} onChange={(e) => chooseRange(e.target.value as RangeChoice)}>
          {rangeOptions.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      {draft.range === 'custom' && (
        <>
          <div className={`field ${styles.dateField}`}>
            <label htmlFor={`${id}-from`}>From</label>
            <input
              id={`${id}-from`}
              type="datetime-local"
              value={draft.from}
              onChange={(e) => set({ from: e.target.value })}
              {...invalid('range')}
            />
          </div>
          <div className={`field ${styles.dateField}`}>
            <label htmlFor={`${id}-to`}>To</label>
            <input
              id={`${id}-to`}
              type="datetime-local"
              value={draft.to}
              onChange={(e) => set({ to: e.target.value })}
              {...invalid('range')}
            />
          </div>
        </>
      )}
      <div className={`field ${styles.searchField}`}>
        <div className={styles.labelRow}>
          <label htmlFor={`${id}-search`}>Words in message</label>
          <span id={`${id}-search-hint`} className="hint">
            every word, in any order, any case
          </span>
        </div>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="e.g. port scan"
          spellCheck={false}
          maxLength={256}
          value={draft.search}
          onChange={(e) => set({ search: e.target.value })}
          aria-describedby={`${id}-search-hint`}
        />
      </div>
      <div className={`field ${styles.ipField}`}>
        <label htmlFor={`${id}-ip`}>IP or CIDR</label>
        <input
          id={`${id}-ip`}
          type="text"
          placeholder="10.0.0.0/8"
          spellCheck={false}
          value={draft.ip}
          onChange={(e) => set({ ip: e.target.value })}
          {...invalid('ip')}
        />
      </div>
      <div className={`field ${styles.smallField}`}>
        <label htmlFor={`${id}-user`}>User</label>
        <input
          id={`${id}-user`}
          type="text"
          spellCheck={false}
          value={draft.user}
          onChange={(e) => set({ user: e.target.value })}
        />
      </div>
      <div className={`field ${styles.smallField}`}>
        <label htmlFor={`${id}-host`}>Host</label>
        <input
          id={`${id}-host`}
          type="text"
          spellCheck={false}
          value={draft.host}
          onChange={(e) => set({ host: e.target.value })}
        />
      </div>
      <div className={`field ${styles.countryField}`}>
        <label htmlFor={`${id}-country`}>Country</label>
        <input
          id={`${id}-country`}
          type="text"
          placeholder="DE"
          maxLength={2}
          spellCheck={false}
          value={draft.country}
          onChange={(e) => set({ country: e.target.value })}
          {...invalid('country')}
        />
      </div>
      <div className={styles.filterActions}>
        <button type="submit" className="button button-primary">
          Apply
        </button>
        <button type="button" className="button button-quiet" onClick={() => onChange(emptyExplorerFilter)}>
          Reset
        </button>
      </div>
      {Object.keys(errors).length > 0 && (
        <ul className={styles.fieldErrors} role="alert">
          {(['range', 'ip', 'country'] as const).map(
            (name) =>
              errors[name] && (
                <li key={name} id={`${id}-${name}-error`}>
                  {errors[name]}
                </li>
              ),
          )}
        </ul>
      )}
    </form>
  );
}

/** An ISO instant as a datetime-local value, in the reader's time zone. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A datetime-local value (reader's time zone) as an ISO instant; '' when empty or malformed. */
function fromLocalInput(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
