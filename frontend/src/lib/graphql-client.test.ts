import { afterEach, describe, expect, it, vi } from 'vitest';
import { gql } from '@urql/core';
import { createGraphqlClient } from '@/lib/graphql-client';

type MeResult = { me: { id: string; email: string } };

const MeQuery = gql<MeResult>`
  query Me {
    me {
      id
      email
    }
  }
`;

function stubFetch(body: unknown) {
  const fetch = vi.fn(
    async (_url: RequestInfo | URL, _init?: RequestInit) =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function setup(token: string | null) {
  const onUnauthenticated = vi.fn();
  const graphqlClient = createGraphqlClient({
    httpUrl: 'http://test.invalid/graphql',
    wsUrl: 'ws://test.invalid/graphql',
    getToken: () => token,
    onUnauthenticated,
  });
  return { ...graphqlClient, onUnauthenticated };
}

describe('createGraphqlClient', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the token as a Bearer authorization header', async () => {
    const fetch = stubFetch({ data: { me: { __typename: 'User', id: 'u1', email: 'a@example.com' } } });
    const { client, dispose } = setup('jwt-token');

    const result = await client.query(MeQuery, {}).toPromise();

    expect(result.data?.me.email).toBe('a@example.com');
    const init = fetch.mock.calls[0]?.[1];
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer jwt-token');
    expect(init?.method).toBe('POST');
    dispose();
  });

  it('sends no authorization header without a session', async () => {
    const fetch = stubFetch({ data: { me: { __typename: 'User', id: 'u1', email: 'a@example.com' } } });
    const { client, dispose } = setup(null);

    await client.query(MeQuery, {}).toPromise();

    expect(new Headers(fetch.mock.calls[0]?.[1]?.headers).has('authorization')).toBe(false);
    dispose();
  });

  it('reports UNAUTHENTICATED errors so the session can end', async () => {
    stubFetch({ data: null, errors: [{ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } }] });
    const { client, onUnauthenticated, dispose } = setup('old-token');

    const result = await client.query(MeQuery, {}).toPromise();

    expect(result.error?.graphQLErrors[0]?.message).toBe('token expired');
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    dispose();
  });

  it('leaves the session alone on other errors', async () => {
    stubFetch({ data: null, errors: [{ message: 'not allowed', extensions: { code: 'FORBIDDEN' } }] });
    const { client, onUnauthenticated, dispose } = setup('jwt-token');

    await client.query(MeQuery, {}).toPromise();

    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });
});
