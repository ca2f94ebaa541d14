import { graphql } from '@/lib/gql/gql';

export const BeginMfaEnrollmentMutation = graphql(`
  mutation BeginMfaEnrollment {
    beginMfaEnrollment {
      ...AuthenticatorSetup_enrollment
    }
  }
`);

export const ConfirmMfaEnrollmentMutation = graphql(`
  mutation ConfirmMfaEnrollment($code: String!) {
    confirmMfaEnrollment(code: $code) {
      recoveryCodes
      session {
        ...SessionFields
      }
    }
  }
`);
