import { graphql } from '@/lib/gql/gql';

export const TenantsQuery = graphql(`
  query Tenants($first: Int!, $after: String) {
    tenants(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          ...TenantRow_tenant
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateTenantMutation = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      id
      slug
      name
    }
  }
`);
