import { useId } from 'react';
import { facetFields, type ExplorerFilterState } from '@/features/explorer/types/explorer-filter';
import { facetValueLabel, withFacetValue } from '@/features/explorer/utils/explorer-filter';
import { formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { FacetField } from '@/lib/gql/graphql';
import styles from './explorer.module.css';

export const FacetSidebarFragment = graphql(`
  fragment FacetSidebar_facets on EventFacets {
    total
    approximate
    facets {
      field
      values {
        value
        count
      }
    }
  }
`);

type FacetSidebarProps = {
  facets: FragmentType<typeof FacetSidebarFragment> | undefined;
  loading: boolean;
  error: string | null;
  filter: ExplorerFilterState;
  onChange: (next: ExplorerFilterState) => void;
};

/** The most common values of each field among the matching events; a click adds one to the filter. */
export function FacetSidebar(props: FacetSidebarProps) {
  const facets = getFragmentData(FacetSidebarFragment, props.facets);
  const byField = new Map(facets?.facets.map((facet) => [facet.field, facet.values]) ?? []);

  return (
    <aside className={styles.facets} aria-label="Facets" aria-busy={props.loading || undefined}>
      <div className={styles.facetsHeader}>
        <h3 className={styles.facetsTitle}>Facets</h3>
        {facets?.approximate && (
          <span
            className={styles.approximate}
            title={`Counted over the newest ${formatNumber(facets.total)} matching events`}
          >
            approximate
          </span>
        )}
      </div>
      {props.error && !facets ? (
        <p className={styles.facetNote} role="alert">
          Facets could not be counted: {props.error}
        </p>
      ) : !facets ? (
        <p className={styles.facetNote} role="status">
          Counting…
        </p>
      ) : (
        facetFields.map(({ field, label }) => (
          <FacetGroup
            key={field}
            field={field}
            label={label}
            values={byField.get(field) ?? []}
            filter={props.filter}
            onChange={props.onChange}
          />
        ))
      )}
    </aside>
  );
}

type FacetGroupProps = {
  field: FacetField;
  label: string;
  values: { value: string; count: number }[];
  filter: ExplorerFilterState;
  onChange: (next: ExplorerFilterState) => void;
};

function FacetGroup({ field, label, values, filter, onChange }: FacetGroupProps) {
  const id = useId();
  const top = Math.max(1, ...values.map((v) => v.count));
  return (
    <section className={styles.facetGroup} aria-labelledby={id}>
      <h4 id={id} className={styles.facetTitle}>
        {label}
      </h4>
      {values.length === 0 ? (
        <p className={styles.facetNote}>No values</p>
      ) : (
        <ul className={styles.facetList}>
          {values.map(({ value, count }) => {
            const next = withFacetValue(filter, field, value);
            const text = facetValueLabel(field, value);
            const applied = next === null || JSON.stringify(next) === JSON.stringify(filter);
            return (
              <li key={value}>
                <button
                  type="button"
                  className={styles.facetValue}
                  aria-label={`Filter by ${label.toLowerCase()} ${text} (${formatNumber(count)})`}
                  aria-pressed={applied}
                  disabled={applied}
                  onClick={() => next && onChange(next)}
                >
                  <span className={styles.facetBar} style={{ width: `${(count / top) * 100}%` }} aria-hidden="true" />
                  <span className={styles.facetLabel} title={text}>
                    {text}
                  </span>
                  <span className={styles.facetCount}>{formatNumber(count)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
