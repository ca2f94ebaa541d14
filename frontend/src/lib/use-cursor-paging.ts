import { useState } from 'react';

export type CursorPaging = {
  /** Cursor to pass as after; null on the first page. */
  after: string | null;
  /** 1-based. */
  page: number;
  hasPreviousPage: boolean;
  next: (endCursor: string) => void;
  previous: () => void;
  first: () => void;
};

/**
 * Forward-only cursor paging with a way back: the cursors of the pages
 * before the current one are kept on a stack. A new key (another filter or
 * page size) starts again at the first page.
 */
export function useCursorPaging(key: string): CursorPaging {
  const [state, setState] = useState({ key, afters: [] as string[] });
  const afters = state.key === key ? state.afters : [];
  if (state.key !== key) setState({ key, afters: [] });
  return {
    after: afters.at(-1) ?? null,
    page: afters.length + 1,
    hasPreviousPage: afters.length > 0,
    next: (endCursor) => setState({ key, afters: [...afters, endCursor] }),
    previous: () => setState({ key, afters: afters.slice(0, -1) }),
    first: () => setState({ key, afters: [] }),
  };
}
