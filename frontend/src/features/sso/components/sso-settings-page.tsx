import { useState } from 'react';
import { useQuery } from 'urql';
import { SsoSettingsQuery } from '@/features/sso/api/sso-documents';
import { SsoSettingsForm } from '@/features/sso/components/sso-settings-form';
import { ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { rolesUpTo } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';

/** Single sign-on: the tenant's OpenID Connect settings. */
export function SsoSettingsPage() {
  const session = useRequiredSession();
  const [result, reexecute] = useQuery({ query: SsoSettingsQuery, requestPolicy: 'cache-and-network' });
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  const [saved, setSaved] = useState(false);
  const loaded = result.data !== undefined;
  const settings = result.data?.ssoSettings ?? null;

  return (
    <section aria-labelledby="sso-title">
      <SectionHeader
        id="sso-title"
        title="Single sign-on"
        description={
          <>
            Members of {session.tenant.name} can sign in through your OpenID Connect identity provider, with roles from
            their groups.
          </>
        }
      />
      {saved && (
        <p className="inline-success" role="status">
          Single sign-on settings saved.
        </p>
      )}
      {!loaded && result.error ? (
        <ErrorState error={result.error} what="Single sign-on settings" onRetry={reload} />
      ) : !loaded ? (
        <LoadingState label="Loading single sign-on settings…" />
      ) : (
        // A new form for every saved version, so it starts from what is stored.
        <SsoSettingsForm
          key={settings?.updatedAt ?? 'never-saved'}
          settings={settings}
          roles={rolesUpTo(session.user.role)}
          onSaved={() => {
            setSaved(true);
            reload();
          }}
        />
      )}
    </section>
  );
}
