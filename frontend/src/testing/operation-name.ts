import type { Operation } from '@urql/core';

/** The name of an operation's document, e.g. "SetUserRole", to answer each one in a handler. */
export function operationName(operation: Operation): string | undefined {
  const definition = operation.query.definitions.find((d) => d.kind === 'OperationDefinition');
  return definition?.kind === 'OperationDefinition' ? definition.name?.value : undefined;
}
