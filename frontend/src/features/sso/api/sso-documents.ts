import { graphql } from '@/lib/gql/gql';

export const SsoSettingsQuery = graphql(`
  query SsoSettings {
    ssoSettings {
      updatedAt
      ...SsoSettingsForm_settings
    }
  }
`);

export const UpdateSsoSettingsMutation = graphql(`
  mutation UpdateSsoSettings($input: SsoSettingsInput!) {
    updateSsoSettings(input: $input) {
      updatedAt
      ...SsoSettingsForm_settings
    }
  }
`);
