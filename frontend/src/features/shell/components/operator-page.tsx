import { ViewPlaceholder } from '@/features/shell/components/view-placeholder';

export function OperatorPage() {
  return (
    <ViewPlaceholder title="Operator" summary="Keeping the data flowing.">
      <p>The health of ingestion and refinement will be watched here.</p>
      <ul>
        <li>Sources and collectors, with their last-seen times.</li>
        <li>Raw (Bronze) records waiting, refined or quarantined, and why.</li>
        <li>Pipeline throughput and backlog.</li>
      </ul>
    </ViewPlaceholder>
  );
}
