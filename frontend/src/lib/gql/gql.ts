/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      token\n      expiresAt\n      user {\n        id\n        email\n        displayName\n        role\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.EventsDocument,
    "\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n": typeof types.EventIngestedDocument,
    "\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n": typeof types.EventRow_EventFragmentDoc,
};
const documents: Documents = {
    "\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      token\n      expiresAt\n      user {\n        id\n        email\n        displayName\n        role\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.EventsDocument,
    "\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n": types.EventIngestedDocument,
    "\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n": types.EventRow_EventFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      token\n      expiresAt\n      user {\n        id\n        email\n        displayName\n        role\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      token\n      expiresAt\n      user {\n        id\n        email\n        displayName\n        role\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n"): (typeof documents)["\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n"): (typeof documents)["\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;