import { ViewPlaceholder } from '@/features/shell/components/view-placeholder';

export function ManagementPage() {
  return (
    <ViewPlaceholder title="Management" summary="The tenant's security posture at a glance.">
      <p>Summaries for decision makers will be shown here, computed from this tenant&apos;s events.</p>
      <ul>
        <li>Event volume and severity trends over time.</li>
        <li>Open detections and how quickly they are handled.</li>
        <li>Reports to export and share.</li>
      </ul>
    </ViewPlaceholder>
  );
}
