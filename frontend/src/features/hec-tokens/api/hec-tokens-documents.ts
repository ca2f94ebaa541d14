import { graphql } from '@/lib/gql/gql';

export const HecTokensQuery = graphql(`
  query HecTokens {
    hecTokens {
      id
      ...HecTokenRow_hecToken
    }
  }
`);

export const CreateHecTokenMutation = graphql(`
  mutation CreateHecToken($input: CreateHecTokenInput!) {
    createHecToken(input: $input) {
      secret
      hecToken {
        id
        name
        source
        sourcetype
        ...HecTokenRow_hecToken
      }
    }
  }
`);

export const RevokeHecTokenMutation = graphql(`
  mutation RevokeHecToken($id: ID!) {
    revokeHecToken(id: $id) {
      id
      ...HecTokenRow_hecToken
    }
  }
`);
