import { Badge } from '@/components/badge';
import type { CredentialStatus } from '@/lib/credential-status';

const labels: Record<CredentialStatus, string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

export function CredentialStatusBadge({ status }: { status: CredentialStatus }) {
  return (
    <Badge tone={status === 'active' ? 'success' : status === 'revoked' ? 'danger' : 'warning'}>{labels[status]}</Badge>
  );
}
