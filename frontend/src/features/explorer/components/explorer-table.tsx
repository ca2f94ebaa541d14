import { ExplorerRow } from '@/features/explorer/components/explorer-row';
import type { ExplorerEdge } from '@/features/explorer/hooks/use-explorer-events';
import styles from './explorer.module.css';

type ExplorerTableProps = {
  edges: ExplorerEdge[];
  busy: boolean;
  selectedId: string | null;
  onOpen: (id: string) => void;
};

export function ExplorerTable({ edges, busy, selectedId, onOpen }: ExplorerTableProps) {
  return (
    <div className={styles.scroller} tabIndex={0} role="region" aria-label="Matching events table, scrollable">
      <table className={styles.table} aria-busy={busy || undefined}>
        <caption className="visually-hidden">Matching events</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Severity</th>
            <th scope="col">Event and class</th>
            <th scope="col">Source → destination</th>
            <th scope="col">User</th>
            <th scope="col" className={styles.numeric}>
              Risk
            </th>
            <th scope="col" className={styles.numeric}>
              Quality
            </th>
            <th scope="col" className={styles.numeric}>
              Copies
            </th>
          </tr>
        </thead>
        <tbody>
          {edges.map((edge) => (
            <ExplorerRow key={edge.node.id} event={edge.node} selected={edge.node.id === selectedId} onOpen={onOpen} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
