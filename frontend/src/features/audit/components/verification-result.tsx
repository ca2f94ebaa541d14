import type { Verification } from '@/features/audit/hooks/use-verify-chain';
import { formatNumber } from '@/lib/format';
import styles from './audit.module.css';

export function VerificationResult({ verification }: { verification: Verification | null }) {
  if (!verification) return null;
  if (verification.kind === 'ok') {
    return (
      <p className={`inline-success ${styles.verification}`} role="status">
        Chain intact: {formatNumber(verification.checked)} {verification.checked === 1 ? 'entry' : 'entries'} checked.
      </p>
    );
  }
  if (verification.kind === 'error') {
    return (
      <p className={`inline-alert ${styles.verification}`} role="alert">
        The chain could not be verified: {verification.message}
      </p>
    );
  }
  return (
    <p className={`inline-alert ${styles.verification}`} role="alert">
      Chain broken{verification.firstBadId ? ` at entry ${verification.firstBadId}` : ''}
      {verification.reason ? `: ${verification.reason}` : ''}. {formatNumber(verification.checked)} entries checked.
    </p>
  );
}
