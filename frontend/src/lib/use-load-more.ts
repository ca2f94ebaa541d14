import { useCallback, useState } from 'react';
import { useClient, useQuery, type AnyVariables, type CombinedError, type TypedDocumentNode } from 'urql';

/** The parts of a Relay-style connection the list needs. */
export type LoadMoreConnection<Node> = {
  totalCount: number;
  edges: { node: Node }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
};

type Extra<Node> = {
  /** The variables the pages were loaded with: other variables start again at the first page. */
  key: string;
  pages: LoadMoreConnection<Node>[];
  /** Nodes changed since their page was loaded (e.g. by a mutation), by id. */
  replaced: Record<string, Node>;
};

/**
 * A list that grows page by page ("Load more"): the first page is an urql
 * query (cached, refetched when a mutation touches its types); later pages
 * are asked for with the previous page's end cursor and appended. refresh()
 * starts again at the first page. Nodes are deduplicated by id, the first
 * page's copy winning, since new entries at the head push older ones down.
 */
export function useLoadMore<Data, Variables extends AnyVariables, Node extends { id: string }>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  connectionOf: (data: Data) => LoadMoreConnection<Node>,
) {
  const client = useClient();
  const key = JSON.stringify(variables);
  const [result, reexecute] = useQuery({ query, variables, requestPolicy: 'cache-and-network' });
  const [extra, setExtra] = useState<Extra<Node>>({ key, pages: [], replaced: {} });
  const [more, setMore] = useState<{ key: string; fetching: boolean; error: CombinedError | null }>({
    key,
    fetching: false,
    error: null,
  });
  const current = extra.key === key ? extra : { key, pages: [], replaced: {} };
  const moreState = more.key === key ? more : { key, fetching: false, error: null };

  const first = result.data ? connectionOf(result.data) : undefined;
  const last = current.pages.at(-1) ?? first;
  const seen = new Set<string>();
  const nodes: Node[] = [];
  if (first) {
    for (const edge of first.edges) {
      seen.add(edge.node.id);
      nodes.push(edge.node);
    }
    for (const page of current.pages) {
      for (const edge of page.edges) {
        if (seen.has(edge.node.id)) continue;
        seen.add(edge.node.id);
        nodes.push(current.replaced[edge.node.id] ?? edge.node);
      }
    }
  }
  const endCursor = last?.pageInfo.hasNextPage ? (last.pageInfo.endCursor ?? null) : null;

  const loadMore = useCallback(async () => {
    if (endCursor === null) return;
    setMore({ key, fetching: true, error: null });
    const answer = await client
      .query(query, { ...variables, after: endCursor }, { requestPolicy: 'network-only' })
      .toPromise();
    if (answer.error || !answer.data) {
      setMore({ key, fetching: false, error: answer.error ?? null });
      return;
    }
    const page = connectionOf(answer.data);
    setExtra((previous) =>
      previous.key === key ? { ...previous, pages: [...previous.pages, page] } : { key, pages: [page], replaced: {} },
    );
    setMore({ key, fetching: false, error: null });
    // variables is represented by key; connectionOf is expected to be a pure selector.
  }, [client, query, key, endCursor]); // eslint-disable-line react-hooks/exhaustive-deps

  const refresh = useCallback(() => {
    setExtra({ key, pages: [], replaced: {} });
    setMore({ key, fetching: false, error: null });
    reexecute({ requestPolicy: 'network-only' });
  }, [key, reexecute]);

  /** Puts a changed node (a mutation's answer) in place of its copy on a later page. */
  const replace = useCallback(
    (node: Node) =>
      setExtra((previous) =>
        previous.key === key ? { ...previous, replaced: { ...previous.replaced, [node.id]: node } } : previous,
      ),
    [key],
  );

  return {
    /** The first page's query: its error, fetching and whether data arrived. */
    result,
    /** Every node loaded so far, in order; empty before the first page arrives. */
    nodes,
    totalCount: first?.totalCount ?? 0,
    loaded: first !== undefined,
    hasMore: endCursor !== null,
    loadMore,
    loadingMore: moreState.fetching,
    loadMoreError: moreState.error,
    refresh,
    replace,
  };
}
