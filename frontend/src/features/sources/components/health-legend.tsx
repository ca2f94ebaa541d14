import { useId } from 'react';
import { HealthBadge, healthDescriptions } from '@/features/sources/components/health-badge';
import type { SourceHealth } from '@/features/sources/types/source-health';
import styles from './sources.module.css';

const order: SourceHealth[] = ['live', 'quiet', 'silent'];

/** What Live, Quiet and Silent mean. */
export function HealthLegend() {
  const id = useId();
  return (
    <div className={styles.legend}>
      <span id={id} className={styles.legendTitle}>
        Health, from the last event:
      </span>
      <dl aria-labelledby={id} className={styles.legendList}>
        {order.map((health) => (
          <div key={health} className={styles.legendItem}>
            <dt>
              <HealthBadge health={health} />
            </dt>
            <dd>{healthDescriptions[health]}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
