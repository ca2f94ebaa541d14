import { Badge } from '@/components/badge';

const labels: Record<string, string> = {
  hec: 'HEC',
  'hec-raw': 'HEC raw',
  'syslog-udp': 'Syslog UDP',
  'syslog-tcp': 'Syslog TCP',
  'syslog-tls': 'Syslog TLS',
};

/** "HEC", "Syslog TLS": how a source kind (hec, hec-raw, syslog-udp, …) reads. Unknown kinds as they are. */
export function ingestKindLabel(kind: string): string {
  return labels[kind] ?? kind;
}

/** How events came in: an HTTP Event Collector token or a syslog listener. */
export function IngestKindBadge({ kind }: { kind: string }) {
  return (
    <Badge tone={kind.startsWith('hec') ? 'info' : 'neutral'} title={kind}>
      {ingestKindLabel(kind)}
    </Badge>
  );
}
