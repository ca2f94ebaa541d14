import type { CombinedError } from '@urql/core';

/** The machine codes the server puts in extensions.code. */
export type ErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'INVALID' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL';

export function errorCodes(error: CombinedError): string[] {
  return error.graphQLErrors.flatMap((e) => {
    const code = e.extensions?.code;
    return typeof code === 'string' ? [code] : [];
  });
}

export function hasErrorCode(error: CombinedError, code: ErrorCode): boolean {
  return errorCodes(error).includes(code);
}

/** A message fit to show: the server's own for GraphQL errors, a plain one for network trouble. */
export function errorMessage(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  if (error.networkError) return 'Cannot reach the server. Check your connection and try again.';
  return error.message;
}
