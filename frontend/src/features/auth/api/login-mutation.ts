import { graphql } from '@/lib/gql/gql';

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!, $tenant: String) {
    login(email: $email, password: $password, tenant: $tenant) {
      token
      expiresAt
      user {
        id
        email
        displayName
        role
      }
      tenant {
        id
        slug
        name
      }
    }
  }
`);
