/** Where an API key or HEC token stands. */
export type CredentialStatus = 'active' | 'expired' | 'revoked';

export function credentialStatus(
  credential: { revokedAt?: string | null; expiresAt?: string | null },
  now: number = Date.now(),
): CredentialStatus {
  if (credential.revokedAt) return 'revoked';
  if (credential.expiresAt && Date.parse(credential.expiresAt) <= now) return 'expired';
  return 'active';
}
