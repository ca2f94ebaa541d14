import {
  Client,
  makeResult,
  type Exchange,
  type ExecutionResult,
  type Operation,
  type OperationResult,
} from '@urql/core';
import { filter, fromValue, map, mergeMap, never, pipe, share, takeUntil, type Source } from 'wonka';

type Handler = (operation: Operation) => Source<ExecutionResult> | ExecutionResult;

export type TestHandlers = {
  query?: Handler;
  mutation?: Handler;
  subscription?: Handler;
};

/**
 * A real urql Client whose only exchange answers operations from the given
 * handlers, so components run their real urql hooks against test data.
 * An operation kind without a handler never answers.
 */
export function createTestClient(handlers: TestHandlers): Client {
  const exchange: Exchange = () => (operations$) => {
    const shared$ = pipe(operations$, share);
    return pipe(
      shared$,
      filter((operation) => operation.kind !== 'teardown'),
      mergeMap((operation): Source<OperationResult> => {
        const handler = handlers[operation.kind as keyof TestHandlers];
        if (!handler) return never;
        const answer = handler(operation);
        const results$ = isSource(answer) ? answer : fromValue(answer);
        const teardown$ = pipe(
          shared$,
          filter((next) => next.kind === 'teardown' && next.key === operation.key),
        );
        return pipe(
          results$,
          map((result) => makeResult(operation, result)),
          takeUntil(teardown$),
        );
      }),
    );
  };
  return new Client({ url: 'http://test.invalid/graphql', exchanges: [exchange] });
}

function isSource(value: Source<ExecutionResult> | ExecutionResult): value is Source<ExecutionResult> {
  return typeof value === 'function';
}

/** A GraphQL error as the server sends it. */
export function graphqlError(message: string, code: string): ExecutionResult {
  return { errors: [{ message, extensions: { code } }] } as ExecutionResult;
}
