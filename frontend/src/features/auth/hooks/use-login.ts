import { useMutation } from 'urql';
import { LoginMutation, VerifyMfaMutation } from '@/features/auth/api/login-documents';
import { PASSWORD_CHECK_CONTEXT } from '@/lib/graphql-client';
import type { Credentials } from '@/features/auth/types/credentials';
import { errorMessage } from '@/lib/graphql-errors';
import { toSession } from '@/lib/session-documents';
import { useSessionStore } from '@/lib/session-context';

/** What checking a password led to. */
export type LoginOutcome = { kind: 'signed-in' } | { kind: 'mfa'; mfaToken: string } | { kind: 'failed' };

type LoginState = {
  /** Checks email and password; stores the session, or asks for a second factor. */
  login: (credentials: Credentials) => Promise<LoginOutcome>;
  /** Completes a sign-in with a TOTP or recovery code; resolves true when signed in. */
  verify: (mfaToken: string, code: string) => Promise<boolean>;
  submitting: boolean;
  verifying: boolean;
  loginError: string | null;
  verifyError: string | null;
};

export function useLogin(): LoginState {
  const [loginResult, executeLogin] = useMutation(LoginMutation);
  const [verifyResult, executeVerify] = useMutation(VerifyMfaMutation);
  const sessionStore = useSessionStore();

  async function login({ email, password, tenant }: Credentials): Promise<LoginOutcome> {
    // A wrong password is an answer, not a refused token: sent once.
    const result = await executeLogin(
      { email: email.trim(), password, tenant: tenant.trim() || null },
      PASSWORD_CHECK_CONTEXT,
    );
    const answer = result.data?.login;
    if (answer?.session) {
      sessionStore.start(toSession(answer.session));
      return { kind: 'signed-in' };
    }
    if (answer?.mfaToken) return { kind: 'mfa', mfaToken: answer.mfaToken };
    return { kind: 'failed' };
  }

  async function verify(mfaToken: string, code: string): Promise<boolean> {
    const result = await executeVerify({ mfaToken, code: normalizeCode(code) }, PASSWORD_CHECK_CONTEXT);
    if (!result.data) return false;
    sessionStore.start(toSession(result.data.verifyMfa));
    return true;
  }

  return {
    login,
    verify,
    submitting: loginResult.fetching,
    verifying: verifyResult.fetching,
    loginError: loginResult.error ? errorMessage(loginResult.error) : null,
    verifyError: verifyResult.error ? errorMessage(verifyResult.error) : null,
  };
}

/** Codes are typed with spaces ("123 456") or pasted with them; the server wants none. */
export function normalizeCode(code: string): string {
  return code.replace(/\s+/g, '');
}
