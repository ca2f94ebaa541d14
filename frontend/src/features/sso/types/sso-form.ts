import type { Role } from '@/lib/gql/graphql';

/** One editable row of group → role; key only tells React rows apart. */
export type RoleMappingRow = { key: number; group: string; role: Role };

/** The SSO form as edited. Empty strings mean "not set". */
export type SsoFormState = {
  enabled: boolean;
  issuer: string;
  clientId: string;
  /** A new secret; empty keeps the stored one. */
  clientSecret: string;
  allowedDomains: string[];
  groupsClaim: string;
  roleMappings: RoleMappingRow[];
  /** '' refuses users in no mapped group. */
  defaultRole: Role | '';
};
