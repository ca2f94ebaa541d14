import type { BadgeTone } from '@/components/badge';
import type { GatherImportStatus, GatherNodeStatus, PatchStatus } from '@/lib/gql/graphql';

type Label = { label: string; tone: BadgeTone; description: string };

export const nodeStatuses: Record<GatherNodeStatus, Label> = {
  ONLINE: { label: 'Online', tone: 'success', description: 'last heartbeat at most two intervals ago' },
  STALE: { label: 'Stale', tone: 'warning', description: 'last heartbeat two to ten intervals ago' },
  OFFLINE: { label: 'Offline', tone: 'danger', description: 'no heartbeat for ten intervals, or none yet' },
  REVOKED: { label: 'Revoked', tone: 'neutral', description: 'its certificate is refused' },
};

export const patchStatuses: Record<PatchStatus, Label> = {
  CURRENT: { label: 'Current', tone: 'success', description: 'the newest patch release of a supported version' },
  BEHIND: { label: 'Behind', tone: 'warning', description: 'a supported version, but not its newest patch release' },
  UNSUPPORTED: { label: 'Unsupported', tone: 'danger', description: 'a major version past its end of life' },
  UNKNOWN: { label: 'Unknown', tone: 'neutral', description: 'not in the bundled release table' },
};

export const importStatuses: Record<GatherImportStatus, Label> = {
  QUEUED: { label: 'Queued', tone: 'info', description: 'waiting for the import stage' },
  IMPORTING: { label: 'Importing', tone: 'info', description: 'being imported now' },
  DONE: { label: 'Done', tone: 'success', description: 'every row is in Bronze' },
  QUARANTINED: { label: 'Quarantined', tone: 'danger', description: 'failed its checks; see the reason' },
};

const engines: Record<string, string> = {
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  oracle: 'Oracle',
  sqlserver: 'SQL Server',
  db2: 'Db2',
  mongodb: 'MongoDB',
};

/** "postgresql" → "PostgreSQL"; an engine the table does not know keeps its name. */
export function engineLabel(engine: string): string {
  return engines[engine.toLowerCase()] ?? engine;
}

/** Whether a YYYY-MM-DD end of life lies before now. */
export function isPast(date: string, now: number): boolean {
  const at = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(at) && at < now;
}
