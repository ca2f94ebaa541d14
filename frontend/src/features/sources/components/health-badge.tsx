import { Badge, type BadgeTone } from '@/components/badge';
import type { SourceHealth } from '@/features/sources/types/source-health';

export const healthLabels: Record<SourceHealth, string> = { live: 'Live', quiet: 'Quiet', silent: 'Silent' };

export const healthDescriptions: Record<SourceHealth, string> = {
  live: 'sent events in the last 5 minutes',
  quiet: 'last sent 5 to 60 minutes ago',
  silent: 'nothing for more than an hour',
};

const tones: Record<SourceHealth, BadgeTone> = { live: 'success', quiet: 'warning', silent: 'neutral' };

export function HealthBadge({ health }: { health: SourceHealth }) {
  return (
    <Badge tone={tones[health]} title={`${healthLabels[health]}: ${healthDescriptions[health]}`}>
      {healthLabels[health]}
    </Badge>
  );
}
