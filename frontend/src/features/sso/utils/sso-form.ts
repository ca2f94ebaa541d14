import type { RoleMappingRow, SsoFormState } from '@/features/sso/types/sso-form';
import type { Role, SsoSettingsInput } from '@/lib/gql/graphql';

type StoredSettings = {
  enabled: boolean;
  issuer: string;
  clientId: string;
  allowedDomains: string[];
  groupsClaim: string;
  roleMappings: { group: string; role: Role }[];
  defaultRole?: Role | null;
};

let nextKey = 1;

export function mappingRow(group = '', role: Role = 'ANALYST'): RoleMappingRow {
  return { key: nextKey++, group, role };
}

/** The form for stored settings, or for a tenant that has none yet. */
export function formFromSettings(settings: StoredSettings | null): SsoFormState {
  return {
    enabled: settings?.enabled ?? false,
    issuer: settings?.issuer ?? '',
    clientId: settings?.clientId ?? '',
    clientSecret: '',
    allowedDomains: settings?.allowedDomains ?? [],
    groupsClaim: settings?.groupsClaim || 'groups',
    roleMappings: (settings?.roleMappings ?? []).map((m) => mappingRow(m.group, m.role)),
    defaultRole: settings?.defaultRole ?? '',
  };
}

/** The mutation input: trimmed, blank mapping rows dropped, the secret left out when not retyped. */
export function toSsoInput(form: SsoFormState): SsoSettingsInput {
  const input: SsoSettingsInput = {
    enabled: form.enabled,
    issuer: form.issuer.trim(),
    clientId: form.clientId.trim(),
    allowedDomains: form.allowedDomains,
    groupsClaim: form.groupsClaim.trim(),
    roleMappings: form.roleMappings
      .filter((m) => m.group.trim() !== '')
      .map((m) => ({ group: m.group.trim(), role: m.role })),
    defaultRole: form.defaultRole === '' ? null : form.defaultRole,
  };
  if (form.clientSecret !== '') input.clientSecret = form.clientSecret;
  return input;
}

/** A domain as typed ("@Example.com ") in the form the server compares: "example.com". */
export function normalizeDomain(value: string): string {
  return value.trim().replace(/^@/, '').toLowerCase();
}
