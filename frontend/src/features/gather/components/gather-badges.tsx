import { importStatuses, nodeStatuses, patchStatuses } from '@/features/gather/utils/gather-labels';
import { Badge } from '@/components/badge';
import type { GatherImportStatus, GatherNodeStatus, PatchStatus } from '@/lib/gql/graphql';

export function NodeStatusBadge({ status }: { status: GatherNodeStatus }) {
  const { label, tone, description } = nodeStatuses[status];
  return (
    <Badge tone={tone} title={`${label}: ${description}`}>
      {label}
    </Badge>
  );
}

export function PatchStatusBadge({ status }: { status: PatchStatus }) {
  const { label, tone, description } = patchStatuses[status];
  return (
    <Badge tone={tone} title={`${label}: ${description}`}>
      {label}
    </Badge>
  );
}

export function ImportStatusBadge({ status }: { status: GatherImportStatus }) {
  const { label, tone, description } = importStatuses[status];
  return (
    <Badge tone={tone} title={`${label}: ${description}`}>
      {label}
    </Badge>
  );
}
