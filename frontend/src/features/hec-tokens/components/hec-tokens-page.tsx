import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { HecTokensQuery, RevokeHecTokenMutation } from '@/features/hec-tokens/api/hec-tokens-documents';
import { CreateHecTokenDialog } from '@/features/hec-tokens/components/create-hec-token-dialog';
import { HecTokenRow } from '@/features/hec-tokens/components/hec-token-row';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, EmptyStateText, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage } from '@/lib/graphql-errors';

/** HEC tokens: create (token shown once), list and revoke the tenant's collector tokens. */
export function HecTokensPage() {
  const [result, reexecute] = useQuery({ query: HecTokensQuery, requestPolicy: 'cache-and-network' });
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [revokeState, revokeHecToken] = useMutation(RevokeHecTokenMutation);

  async function confirmRevoke() {
    if (!revoking) return;
    const answer = await revokeHecToken({ id: revoking.id });
    if (answer.error) return;
    setRevoking(null);
    setNotice(`The HEC token “${revoking.name}” was revoked. Events sent with it are refused from now on.`);
    reload();
  }

  const tokens = result.data?.hecTokens;

  return (
    <section aria-labelledby="hec-tokens-title">
      <SectionHeader
        id="hec-tokens-title"
        title="HEC tokens"
        description="Tokens let forwarders send events to /services/collector, as Splunk's HTTP Event Collector does."
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            Create HEC token
          </button>
        }
      />
      {notice && (
        <p className="inline-success" role="status">
          {notice}
        </p>
      )}
      {!tokens && result.error ? (
        <ErrorState error={result.error} what="HEC tokens" onRetry={reload} />
      ) : !tokens ? (
        <LoadingState label="Loading HEC tokens…" />
      ) : tokens.length === 0 ? (
        <EmptyState title="No HEC tokens yet.">
          <EmptyStateText>Create one to send events with Authorization: Splunk &lt;token&gt;.</EmptyStateText>
        </EmptyState>
      ) : (
        <>
          <p className={tableStyles.summary}>{countLabel(tokens.length, 'token')}</p>
          {result.error && (
            <p className="inline-alert" role="alert">
              {errorMessage(result.error)}
            </p>
          )}
          <DataTable
            caption="HEC tokens"
            busy={result.fetching}
            head={
              <>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Source</th>
                <th scope="col">Sourcetype</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </>
            }
          >
            {tokens.map((token) => (
              <HecTokenRow key={token.id} hecToken={token} busy={revokeState.fetching} onRevoke={setRevoking} />
            ))}
          </DataTable>
        </>
      )}
      {creating && <CreateHecTokenDialog onCreated={reload} onClose={() => setCreating(false)} />}
      {revoking && (
        <ConfirmDialog
          title="Revoke HEC token?"
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          danger
          busy={revokeState.fetching}
          error={revokeState.error ? errorMessage(revokeState.error) : null}
          onConfirm={() => void confirmRevoke()}
          onCancel={() => setRevoking(null)}
        >
          Forwarders using <strong>{revoking.name}</strong> are refused at once. This cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}
