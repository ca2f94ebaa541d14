import { afterEach, describe, expect, it, vi } from 'vitest';
import { gql } from '@urql/core';
import { createGraphqlClient, PASSWORD_CHECK_CONTEXT } from '@/lib/graphql-client';

type MeResult = { me: { id: string; email: string } };

const MeQuery = gql<MeResult>`
  query Me {
    me {
      id
      email
    }
  }
`;

const ChangePasswordMutation = gql<{ changePassword: boolean }>`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`;

const me = { data: { me: { __typename: 'User', id: 'u1', email: 'a@example.com' } } };
const unauthenticated = { data: null, errors: [{ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } }] };

/** Answers each request with the next body; the last one repeats. */
function stubFetch(...bodies: unknown[]) {
  let call = 0;
  const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => {
    const body = bodies[Math.min(call++, bodies.length - 1)];
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function authorizationOf(fetch: ReturnType<typeof stubFetch>, call: number): string | null {
  return new Headers(fetch.mock.calls[call]?.[1]?.headers).get('authorization');
}

function setup(initialToken: string | null, options: { refreshTo?: string | null; expired?: boolean } = {}) {
  let token = initialToken;
  let expired = options.expired ?? false;
  const onUnauthenticated = vi.fn();
  const refresh = vi.fn(async () => {
    token = options.refreshTo === undefined ? token : options.refreshTo;
    expired = false;
    return token;
  });
  const graphqlClient = createGraphqlClient({
    httpUrl: 'http://test.invalid/graphql',
    wsUrl: 'ws://test.invalid/graphql',
    getToken: () => token,
    refresh,
    tokenExpired: () => expired,
    onUnauthenticated,
  });
  return { ...graphqlClient, onUnauthenticated, refresh };
}

describe('createGraphqlClient', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the token as a Bearer authorization header', async () => {
    const fetch = stubFetch(me);
    const { client, dispose } = setup('jwt-token');

    const result = await client.query(MeQuery, {}).toPromise();

    expect(result.data?.me.email).toBe('a@example.com');
    expect(authorizationOf(fetch, 0)).toBe('Bearer jwt-token');
    expect(fetch.mock.calls[0]?.[1]?.method).toBe('POST');
    dispose();
  });

  it('sends no authorization header without a session', async () => {
    const fetch = stubFetch(me);
    const { client, dispose } = setup(null);

    await client.query(MeQuery, {}).toPromise();

    expect(authorizationOf(fetch, 0)).toBeNull();
    dispose();
  });

  it('on UNAUTHENTICATED refreshes the token once and retries with the new one', async () => {
    const fetch = stubFetch(unauthenticated, me);
    const { client, refresh, onUnauthenticated, dispose } = setup('old-token', { refreshTo: 'new-token' });

    const result = await client.query(MeQuery, {}).toPromise();

    expect(result.error).toBeUndefined();
    expect(result.data?.me.email).toBe('a@example.com');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(authorizationOf(fetch, 0)).toBe('Bearer old-token');
    expect(authorizationOf(fetch, 1)).toBe('Bearer new-token');
    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });

  it('ends the session when the retry is refused too, without refreshing again', async () => {
    const fetch = stubFetch(unauthenticated);
    const { client, refresh, onUnauthenticated, dispose } = setup('old-token', { refreshTo: 'new-token' });

    const result = await client.query(MeQuery, {}).toPromise();

    expect(result.error?.graphQLErrors[0]?.message).toBe('token expired');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    dispose();
  });

  it('renews a token that has expired by the clock before sending', async () => {
    const fetch = stubFetch(me);
    const { client, refresh, dispose } = setup('stale-token', { refreshTo: 'fresh-token', expired: true });

    await client.query(MeQuery, {}).toPromise();

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(authorizationOf(fetch, 0)).toBe('Bearer fresh-token');
    dispose();
  });

  it('shows a refused password to the caller: no refresh, no retry, the session kept', async () => {
    const fetch = stubFetch({
      data: null,
      errors: [{ message: 'the current password is wrong', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    const { client, refresh, onUnauthenticated, dispose } = setup('jwt-token', { refreshTo: 'new-token' });

    const result = await client
      .mutation(
        ChangePasswordMutation,
        { currentPassword: 'wrong', newPassword: 'a long new passphrase' },
        PASSWORD_CHECK_CONTEXT,
      )
      .toPromise();

    expect(result.error?.graphQLErrors[0]?.message).toBe('the current password is wrong');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(refresh).not.toHaveBeenCalled();
    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });

  it('still renews a token expired by the clock before checking a password', async () => {
    const fetch = stubFetch({ data: { changePassword: true } });
    const { client, refresh, dispose } = setup('stale-token', { refreshTo: 'fresh-token', expired: true });

    await client
      .mutation(
        ChangePasswordMutation,
        { currentPassword: 'old', newPassword: 'a long new passphrase' },
        PASSWORD_CHECK_CONTEXT,
      )
      .toPromise();

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(authorizationOf(fetch, 0)).toBe('Bearer fresh-token');
    dispose();
  });

  it('leaves the session alone on other errors', async () => {
    stubFetch({ data: null, errors: [{ message: 'not allowed', extensions: { code: 'FORBIDDEN' } }] });
    const { client, refresh, onUnauthenticated, dispose } = setup('jwt-token');

    await client.query(MeQuery, {}).toPromise();

    expect(refresh).not.toHaveBeenCalled();
    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });
});
