/** The filter as the user set it. Empty strings mean "any"; from and to are datetime-local values. */
export type AuditFilterState = {
  action: string;
  actorId: string;
  from: string;
  to: string;
};

export const emptyAuditFilter: AuditFilterState = { action: '', actorId: '', from: '', to: '' };

/** The actions the server records (scalefield audit.go), offered as suggestions. */
export const knownAuditActions = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.login.locked',
  'auth.logout',
  'auth.logout_everywhere',
  'auth.refresh.reused',
  'mfa.enrolled',
  'mfa.verified',
  'mfa.failed',
  'mfa.replayed',
  'mfa.recovery_code_used',
  'sso.login',
  'sso.settings_changed',
  'apikey.created',
  'apikey.revoked',
  'apikey.refused',
  'hectoken.created',
  'hectoken.revoked',
  'tenant.created',
  'user.created',
  'membership.role_changed',
  'membership.removed',
  'access.denied',
  'data.exported',
] as const;
