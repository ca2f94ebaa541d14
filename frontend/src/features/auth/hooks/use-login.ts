import { useMutation } from 'urql';
import { LoginMutation } from '@/features/auth/api/login-mutation';
import type { Credentials } from '@/features/auth/types/credentials';
import { errorMessage } from '@/lib/graphql-errors';
import { useSessionStore } from '@/lib/session-context';

type LoginState = {
  login: (credentials: Credentials) => Promise<boolean>;
  submitting: boolean;
  error: string | null;
};

/** Exchanges credentials for a session; resolves true when signed in. */
export function useLogin(): LoginState {
  const [{ fetching, error }, executeLogin] = useMutation(LoginMutation);
  const sessionStore = useSessionStore();

  async function login({ email, password, tenant }: Credentials): Promise<boolean> {
    const result = await executeLogin({ email: email.trim(), password, tenant: tenant.trim() || null });
    if (!result.data) return false;
    sessionStore.start(result.data.login);
    return true;
  }

  return { login, submitting: fetching, error: error ? errorMessage(error) : null };
}
