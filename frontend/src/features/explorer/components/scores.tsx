import styles from './explorer.module.css';

/** The risk score (0–100) in a pill coloured by band. */
export function RiskScore({ value }: { value: number }) {
  const rounded = Math.round(value);
  const band = rounded >= 70 ? 'high' : rounded >= 40 ? 'medium' : 'low';
  return (
    <span className={`${styles.score} ${styles[`risk-${band}`]}`} title={`Risk ${rounded} of 100 (${band})`}>
      {rounded}
    </span>
  );
}

/** The quality score (0–1) as a percentage, coloured when low. */
export function QualityScore({ value }: { value: number }) {
  const percent = Math.round(value * 100);
  const band = percent >= 80 ? 'good' : percent >= 50 ? 'fair' : 'poor';
  return (
    <span className={`${styles.quality} ${styles[`quality-${band}`]}`} title={`Data quality ${percent}% (${band})`}>
      {percent}%
    </span>
  );
}

/** "×3" when copies of the event were folded into it; nothing for a single copy. */
export function DupBadge({ count }: { count: number }) {
  if (count <= 1)
    return (
      <span className={styles.dupNone} aria-label="1 copy">
        1
      </span>
    );
  return (
    <span className={styles.dup} title={`${count} identical copies received`} aria-label={`${count} copies`}>
      ×{count}
    </span>
  );
}
