import { useState } from 'react';
import { useClient } from 'urql';
import { VerifyAuditLogQuery } from '@/features/audit/api/audit-documents';
import { errorMessage } from '@/lib/graphql-errors';

export type Verification =
  | { kind: 'ok'; checked: number }
  | { kind: 'broken'; checked: number; firstBadId: string | null; reason: string | null }
  | { kind: 'error'; message: string };

/** Recomputes the tenant's hash chain on request and says whether it holds. */
export function useVerifyChain() {
  const client = useClient();
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<Verification | null>(null);

  async function verify() {
    setVerifying(true);
    setVerification(null);
    const result = await client.query(VerifyAuditLogQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    setVerifying(false);
    const answer = result.data?.verifyAuditLog;
    if (!answer) {
      setVerification({ kind: 'error', message: result.error ? errorMessage(result.error) : 'No answer.' });
    } else if (answer.ok) {
      setVerification({ kind: 'ok', checked: answer.checked });
    } else {
      setVerification({
        kind: 'broken',
        checked: answer.checked,
        firstBadId: answer.firstBadId ?? null,
        reason: answer.reason ?? null,
      });
    }
  }

  return { verify, verifying, verification };
}
