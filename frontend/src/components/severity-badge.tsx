import type { Severity } from '@/lib/gql/graphql';
import styles from './severity-badge.module.css';

/** Highest first, the order pickers and legends list them in. */
export const severities: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'UNKNOWN'];

const labels: Record<Severity, string> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFO: 'Info',
  UNKNOWN: 'Unknown',
};

export function severityLabel(severity: Severity): string {
  return labels[severity];
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`${styles.badge} ${styles[severity.toLowerCase()] ?? ''}`} data-severity={severity}>
      {labels[severity]}
    </span>
  );
}
