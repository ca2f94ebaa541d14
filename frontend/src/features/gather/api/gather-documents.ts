import { graphql } from '@/lib/gql/gql';

export const GatherNodesQuery = graphql(`
  query GatherNodes($first: Int!, $after: String) {
    gatherNodes(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          ...GatherNodeRow_node
          ...GatherMap_node
          ...GatherDatabases_node
          ...GatherNodeDrawer_node
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const RevokeGatherNodeMutation = graphql(`
  mutation RevokeGatherNode($id: ID!) {
    revokeGatherNode(id: $id) {
      id
      ...GatherNodeRow_node
      ...GatherMap_node
      ...GatherDatabases_node
      ...GatherNodeDrawer_node
    }
  }
`);

export const GatherImportsQuery = graphql(`
  query GatherImports($status: GatherImportStatus, $first: Int!, $after: String) {
    gatherImports(status: $status, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          nodeId
          ...GatherImportRow_import
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The nodes' names, to say which node a file came from. */
export const GatherImportNodesQuery = graphql(`
  query GatherImportNodes {
    gatherNodes(first: 500) {
      edges {
        node {
          id
          name
          hostname
        }
      }
    }
  }
`);

export const RetryGatherImportMutation = graphql(`
  mutation RetryGatherImport($id: ID!) {
    retryGatherImport(id: $id) {
      id
      nodeId
      ...GatherImportRow_import
    }
  }
`);
