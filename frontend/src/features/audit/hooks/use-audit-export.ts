import { useState } from 'react';
import { auditExportUrl, type ExportFormat } from '@/features/audit/utils/audit-filter';
import { filenameFromDisposition, saveBlob } from '@/lib/download';
import type { AuditFilter } from '@/lib/gql/graphql';
import { useRefreshSession, useSessionStore } from '@/lib/session-context';

type AuditExport = {
  download: (format: ExportFormat, filter: AuditFilter | undefined) => Promise<void>;
  /** The format being downloaded, if any. */
  exporting: ExportFormat | null;
  error: string | null;
  /** The file name of the last download. */
  saved: string | null;
};

/**
 * Downloads the audit log from the export endpoint (plain HTTP, not GraphQL)
 * with the session's token: fetch, Blob, object URL. A 401 renews the token
 * once and tries again.
 */
export function useAuditExport(): AuditExport {
  const store = useSessionStore();
  const refresh = useRefreshSession();
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function download(format: ExportFormat, filter: AuditFilter | undefined) {
    setExporting(format);
    setError(null);
    setSaved(null);
    try {
      const url = auditExportUrl(format, filter);
      const get = (token: string | null) =>
        fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: 'same-origin' });
      let response = await get(store.getToken());
      if (response.status === 401) {
        const token = await refresh();
        if (token) response = await get(token);
      }
      if (!response.ok) {
        setError(await describeFailure(response));
        return;
      }
      const blob = await response.blob();
      const filename = filenameFromDisposition(response.headers.get('content-disposition')) ?? `audit-log.${format}`;
      saveBlob(blob, filename);
      setSaved(filename);
    } catch {
      setError('Cannot reach the server. Check your connection and try again.');
    } finally {
      setExporting(null);
    }
  }

  return { download, exporting, error, saved };
}

async function describeFailure(response: Response): Promise<string> {
  if (response.status === 401) return 'Your session is no longer valid. Please sign in again.';
  if (response.status === 403) return 'Your role may not export the audit log.';
  if (response.status === 429) return 'Too many exports in a short time. Wait a moment and try again.';
  const text = (await response.text().catch(() => '')).trim();
  let message = text;
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const found = typeof body.message === 'string' ? body.message : body.error;
    if (typeof found === 'string') message = found;
  } catch {
    // Not JSON: the text itself, if short enough to show.
  }
  return message && message.length < 300
    ? `The export failed: ${message}`
    : `The export failed (HTTP ${response.status}).`;
}
