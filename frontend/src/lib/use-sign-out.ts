import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '@/lib/graphql-errors';
import { LogoutEverywhereMutation, LogoutMutation } from '@/lib/session-documents';
import { useSessionStore } from '@/lib/session-context';

/** How long sign-out waits for the server before forgetting the session anyway. */
const LOGOUT_WAIT_MS = 3_000;

export type SignOut = {
  /** Revokes this session on the server (best effort), then forgets it. */
  signOut: () => Promise<void>;
  /** Revokes every session of the user; keeps this one and resolves the error message if the server refuses. */
  signOutEverywhere: () => Promise<string | null>;
  busy: boolean;
};

export function useSignOut(): SignOut {
  const store = useSessionStore();
  const [, logout] = useMutation(LogoutMutation);
  const [, logoutEverywhere] = useMutation(LogoutEverywhereMutation);
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    try {
      await Promise.race([logout({}), new Promise((resolve) => setTimeout(resolve, LOGOUT_WAIT_MS))]);
    } finally {
      setBusy(false);
      store.end('signed-out');
    }
  }

  async function signOutEverywhere(): Promise<string | null> {
    setBusy(true);
    const result = await logoutEverywhere({});
    setBusy(false);
    if (result.error || !result.data?.logoutEverywhere) {
      return result.error ? errorMessage(result.error) : 'The server did not sign the other sessions out.';
    }
    store.end('signed-out-everywhere');
    return null;
  }

  return { signOut, signOutEverywhere, busy };
}
