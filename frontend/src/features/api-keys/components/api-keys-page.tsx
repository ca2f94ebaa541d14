import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ApiKeysQuery, RevokeApiKeyMutation } from '@/features/api-keys/api/api-keys-documents';
import { ApiKeyRow } from '@/features/api-keys/components/api-key-row';
import { CreateApiKeyDialog } from '@/features/api-keys/components/create-api-key-dialog';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, EmptyStateText, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage } from '@/lib/graphql-errors';
import { rolesUpTo } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';

/** API keys: create (secret shown once), list and revoke the tenant's keys. */
export function ApiKeysPage() {
  const session = useRequiredSession();
  const [result, reexecute] = useQuery({ query: ApiKeysQuery, requestPolicy: 'cache-and-network' });
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [revokeState, revokeApiKey] = useMutation(RevokeApiKeyMutation);

  async function confirmRevoke() {
    if (!revoking) return;
    const answer = await revokeApiKey({ id: revoking.id });
    if (answer.error) return;
    setRevoking(null);
    setNotice(`The API key “${revoking.name}” was revoked. Requests with it are refused from now on.`);
    reload();
  }

  const keys = result.data?.apiKeys;

  return (
    <section aria-labelledby="api-keys-title">
      <SectionHeader
        id="api-keys-title"
        title="API keys"
        description="Keys let scripts and integrations call the API as this tenant, with the role you give them."
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            Create API key
          </button>
        }
      />
      {notice && (
        <p className="inline-success" role="status">
          {notice}
        </p>
      )}
      {!keys && result.error ? (
        <ErrorState error={result.error} what="API keys" onRetry={reload} />
      ) : !keys ? (
        <LoadingState label="Loading API keys…" />
      ) : keys.length === 0 ? (
        <EmptyState title="No API keys yet.">
          <EmptyStateText>Create one to call the GraphQL API from a script, with Authorization: Bearer.</EmptyStateText>
        </EmptyState>
      ) : (
        <>
          <p className={tableStyles.summary}>{countLabel(keys.length, 'key')}</p>
          {result.error && (
            <p className="inline-alert" role="alert">
              {errorMessage(result.error)}
            </p>
          )}
          <DataTable
            caption="API keys"
            busy={result.fetching}
            head={
              <>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </>
            }
          >
            {keys.map((key) => (
              <ApiKeyRow key={key.id} apiKey={key} busy={revokeState.fetching} onRevoke={setRevoking} />
            ))}
          </DataTable>
        </>
      )}
      {creating && (
        <CreateApiKeyDialog
          roles={rolesUpTo(session.user.role)}
          onCreated={reload}
          onClose={() => setCreating(false)}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke API key?"
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          danger
          busy={revokeState.fetching}
          error={revokeState.error ? errorMessage(revokeState.error) : null}
          onConfirm={() => void confirmRevoke()}
          onCancel={() => setRevoking(null)}
        >
          Anything using <strong>{revoking.name}</strong> stops working at once. This cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}
