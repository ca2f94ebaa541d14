import { describe, expect, it } from 'vitest';
import { formFromSettings, mappingRow, normalizeDomain, toSsoInput } from '@/features/sso/utils/sso-form';

describe('SSO settings form', () => {
  it('starts a tenant without settings disabled, with the usual groups claim and refusing unmapped users', () => {
    expect(formFromSettings(null)).toMatchObject({
      enabled: false,
      groupsClaim: 'groups',
      allowedDomains: [],
      roleMappings: [],
      defaultRole: '',
    });
  });

  it('keeps the stored secret unless a new one is typed', () => {
    const form = formFromSettings({
      enabled: true,
      issuer: ' https://idp.example/realms/acme ',
      clientId: 'scalefield',
      allowedDomains: ['acme.example'],
      groupsClaim: 'groups',
      roleMappings: [{ group: 'secops', role: 'ANALYST' }],
      defaultRole: null,
    });

    const input = toSsoInput(form);
    expect(input).not.toHaveProperty('clientSecret');
    expect(input).toEqual({
      enabled: true,
      issuer: 'https://idp.example/realms/acme',
      clientId: 'scalefield',
      allowedDomains: ['acme.example'],
      groupsClaim: 'groups',
      roleMappings: [{ group: 'secops', role: 'ANALYST' }],
      defaultRole: null,
    });
    expect(toSsoInput({ ...form, clientSecret: 'n3w' }).clientSecret).toBe('n3w');
  });

  it('drops mapping rows without a group and sends the default role', () => {
    const form = {
      ...formFromSettings(null),
      roleMappings: [mappingRow(' admins ', 'TENANT_ADMIN'), mappingRow('  ', 'VIEWER')],
      defaultRole: 'VIEWER' as const,
    };

    expect(toSsoInput(form)).toMatchObject({
      roleMappings: [{ group: 'admins', role: 'TENANT_ADMIN' }],
      defaultRole: 'VIEWER',
    });
  });

  it('normalizes typed domains', () => {
    expect(normalizeDomain(' @Acme.Example ')).toBe('acme.example');
  });
});
