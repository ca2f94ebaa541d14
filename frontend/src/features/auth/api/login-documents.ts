import { graphql } from '@/lib/gql/gql';

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!, $tenant: String) {
    login(email: $email, password: $password, tenant: $tenant) {
      session {
        ...SessionFields
      }
      mfaToken
    }
  }
`);

export const VerifyMfaMutation = graphql(`
  mutation VerifyMfa($mfaToken: String!, $code: String!) {
    verifyMfa(mfaToken: $mfaToken, code: $code) {
      ...SessionFields
    }
  }
`);

export const SsoLoginQuery = graphql(`
  query SsoLogin($tenant: String!) {
    ssoLogin(tenant: $tenant) {
      enabled
      loginUrl
    }
  }
`);

export const CompleteSsoLoginMutation = graphql(`
  mutation CompleteSsoLogin($code: String!) {
    completeSsoLogin(code: $code) {
      ...SessionFields
    }
  }
`);
