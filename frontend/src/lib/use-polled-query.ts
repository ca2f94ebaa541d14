import { createRequest, type AnyVariables, type CombinedError, type TypedDocumentNode } from '@urql/core';
import { useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import { pipe, subscribe } from 'wonka';

export type PolledQueryState<Data, Variables> = {
  /** The latest answer's data; kept while the next request runs and when it fails. */
  data: Data | undefined;
  /** The variables data answers. */
  dataVariables: Variables | undefined;
  /** The latest request's error, until one succeeds. */
  error: CombinedError | undefined;
  fetching: boolean;
};

/**
 * A query polled with variables that change every time, such as a range
 * ending now. useQuery would keep one answer per set of variables in urql's
 * document cache, for as long as the client lives: a page left open would
 * grow without end. Here every request runs under one key (name), so the
 * cache holds only the latest answer. New variables send a new request.
 */
export function usePolledQuery<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  name: string,
): PolledQueryState<Data, Variables> {
  const client = useClient();
  const [state, setState] = useState<PolledQueryState<Data, Variables>>({
    data: undefined,
    dataVariables: undefined,
    error: undefined,
    fetching: true,
  });
  const variablesKey = JSON.stringify(variables);
  // Equal variables (a new object each render) are the same request.
  const stableVariables = useMemo(() => variables, [variablesKey]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const key = createRequest(query as TypedDocumentNode<Data, AnyVariables>, { polledQuery: name }).key;
    const request = { ...createRequest(query, stableVariables), key };
    setState((previous) => (previous.fetching ? previous : { ...previous, fetching: true }));
    const { unsubscribe } = pipe(
      client.executeQuery(request, { requestPolicy: 'network-only' }),
      subscribe((result) => {
        setState((previous) =>
          result.data !== undefined && result.data !== null
            ? { data: result.data, dataVariables: stableVariables, error: result.error, fetching: false }
            : { ...previous, error: result.error, fetching: false },
        );
      }),
    );
    return unsubscribe;
  }, [client, query, stableVariables, name]);

  return state;
}
