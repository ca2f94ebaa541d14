import { useState } from 'react';
import { useClient } from 'urql';
import { SsoLoginQuery } from '@/features/auth/api/login-documents';
import { redirectTo } from '@/lib/browser-location';
import { errorMessage } from '@/lib/graphql-errors';

type SsoLoginState = {
  /** Looks the tenant's single sign-on up and, when it has one, leaves for its identity provider. */
  start: (tenant: string) => Promise<void>;
  submitting: boolean;
  error: string | null;
};

export function useSsoLogin(): SsoLoginState {
  const client = useClient();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start(tenant: string) {
    setSubmitting(true);
    setError(null);
    const result = await client.query(SsoLoginQuery, { tenant }, { requestPolicy: 'network-only' }).toPromise();
    const sso = result.data?.ssoLogin;
    if (sso?.enabled && sso.loginUrl) {
      // Stays "submitting" while the browser leaves.
      redirectTo(sso.loginUrl);
      return;
    }
    setSubmitting(false);
    if (result.error) setError(errorMessage(result.error));
    else setError(`Single sign-on is not set up for the tenant “${tenant}”. Sign in with your password instead.`);
  }

  return { start, submitting, error };
}
