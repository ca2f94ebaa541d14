import { SourceRow, type SourceRowFragment } from '@/features/sources/components/source-row';
import { DataTable } from '@/components/data-table';
import type { FragmentType } from '@/lib/gql/fragment-masking';
import styles from './sources.module.css';

type SourcesTableProps = {
  sources: ({ kind: string; name: string } & FragmentType<typeof SourceRowFragment>)[];
  now: number;
  busy: boolean;
};

/** Every source of the tenant, most recently seen first, with its health. */
export function SourcesTable({ sources, now, busy }: SourcesTableProps) {
  return (
    <DataTable
      caption="Sources"
      busy={busy}
      head={
        <>
          <th scope="col">Kind</th>
          <th scope="col">Name</th>
          <th scope="col">Health</th>
          <th scope="col">First seen</th>
          <th scope="col">Last seen</th>
          <th scope="col" className={styles.number}>
            Events
          </th>
          <th scope="col" className={styles.number}>
            Bytes
          </th>
          <th scope="col" className={styles.number}>
            Quarantined
          </th>
          <th scope="col" className={styles.number} title="Records waiting for the refine stage">
            Pending
          </th>
          <th scope="col" className={styles.number} title="How long the oldest waiting record has waited">
            Lag
          </th>
        </>
      }
    >
      {sources.map((source) => (
        <SourceRow key={`${source.kind}:${source.name}`} source={source} now={now} />
      ))}
    </DataTable>
  );
}
