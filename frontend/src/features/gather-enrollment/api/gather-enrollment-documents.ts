import { graphql } from '@/lib/gql/gql';

export const CreateGatherEnrollmentTokenMutation = graphql(`
  mutation CreateGatherEnrollmentToken($name: String!, $expiresInHours: Int) {
    createGatherEnrollmentToken(name: $name, expiresInHours: $expiresInHours) {
      id
      name
      token
      expiresAt
      caFingerprint
      caCertificate
    }
  }
`);
