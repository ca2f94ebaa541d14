import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { UpdateSsoSettingsMutation } from '@/features/sso/api/sso-documents';
import { DomainListEditor } from '@/features/sso/components/domain-list-editor';
import { RoleMappingsEditor } from '@/features/sso/components/role-mappings-editor';
import type { SsoFormState } from '@/features/sso/types/sso-form';
import { formFromSettings, toSsoInput } from '@/features/sso/utils/sso-form';
import { CopyButton } from '@/components/copy-button';
import { errorMessage } from '@/lib/graphql-errors';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { Role } from '@/lib/gql/graphql';
import { roleLabel } from '@/lib/roles';
import styles from './sso-settings.module.css';

export const SsoSettingsFormFragment = graphql(`
  fragment SsoSettingsForm_settings on SsoSettings {
    enabled
    issuer
    clientId
    clientSecretSet
    allowedDomains
    groupsClaim
    roleMappings {
      group
      role
    }
    defaultRole
    redirectUrl
    updatedAt
  }
`);

type SsoSettingsFormProps = {
  /** null when the tenant never had SSO settings. */
  settings: FragmentType<typeof SsoSettingsFormFragment> | null;
  /** Roles that mappings and the default may give. */
  roles: Role[];
  /** Called after a save; the page then reloads the settings and remounts the form. */
  onSaved: () => void;
};

export function SsoSettingsForm(props: SsoSettingsFormProps) {
  const settings = props.settings ? getFragmentData(SsoSettingsFormFragment, props.settings) : null;
  const id = useId();
  const [form, setForm] = useState<SsoFormState>(() => formFromSettings(settings));
  const [{ fetching, error }, updateSettings] = useMutation(UpdateSsoSettingsMutation);

  function change(patch: Partial<SsoFormState>) {
    setForm((previous) => ({ ...previous, ...patch }));
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await updateSettings({ input: toSsoInput(form) });
    if (result.data) {
      setForm((previous) => ({ ...previous, clientSecret: '' }));
      props.onSaved();
    }
  }

  return (
    <form className={styles.form} onSubmit={handleSubmit} aria-describedby={error ? `${id}-error` : undefined}>
      <div className={styles.card}>
        <label className="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => change({ enabled: e.target.checked })} />
          Let members sign in with the identity provider
        </label>
        <div className="field">
          <label htmlFor={`${id}-redirect`}>Redirect URL</label>
          {settings?.redirectUrl ? (
            <div className={styles.redirect}>
              <input id={`${id}-redirect`} type="text" readOnly value={settings.redirectUrl} spellCheck={false} />
              <CopyButton text={settings.redirectUrl} label="Copy URL" />
            </div>
          ) : (
            <input
              id={`${id}-redirect`}
              type="text"
              readOnly
              value=""
              placeholder="shown once the settings are saved"
            />
          )}
          <p className="hint">
            Register this URL at your identity provider as the client&apos;s redirect (callback) URL.
          </p>
        </div>
      </div>

      <fieldset className={`${styles.card} ${styles.fieldset}`}>
        <legend className={styles.legend}>Identity provider</legend>
        <div className="field">
          <label htmlFor={`${id}-issuer`}>Issuer URL</label>
          <input
            id={`${id}-issuer`}
            type="url"
            required={form.enabled}
            spellCheck={false}
            placeholder="https://login.example.com/realms/acme"
            value={form.issuer}
            onChange={(e) => change({ issuer: e.target.value })}
          />
          <p className="hint">The OpenID Connect issuer; its discovery document must be reachable from the server.</p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-client-id`}>Client ID</label>
          <input
            id={`${id}-client-id`}
            type="text"
            required={form.enabled}
            spellCheck={false}
            autoComplete="off"
            value={form.clientId}
            onChange={(e) => change({ clientId: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-client-secret`}>Client secret</label>
          <input
            id={`${id}-client-secret`}
            type="password"
            autoComplete="new-password"
            placeholder={settings?.clientSecretSet ? 'stored' : ''}
            value={form.clientSecret}
            onChange={(e) => change({ clientSecret: e.target.value })}
            aria-describedby={`${id}-client-secret-hint`}
          />
          <p id={`${id}-client-secret-hint`} className="hint">
            {settings?.clientSecretSet
              ? 'A secret is stored and never shown. Leave blank to keep it; type a new one to replace it.'
              : 'No secret is stored yet.'}
          </p>
        </div>
      </fieldset>

      <fieldset className={`${styles.card} ${styles.fieldset}`}>
        <legend className={styles.legend}>Who may sign in, with which role</legend>
        <DomainListEditor value={form.allowedDomains} onChange={(allowedDomains) => change({ allowedDomains })} />
        <div className="field">
          <label htmlFor={`${id}-groups-claim`}>Groups claim</label>
          <input
            id={`${id}-groups-claim`}
            type="text"
            spellCheck={false}
            value={form.groupsClaim}
            onChange={(e) => change({ groupsClaim: e.target.value })}
          />
          <p className="hint">The ID token claim that lists the user&apos;s groups.</p>
        </div>
        <RoleMappingsEditor
          value={form.roleMappings}
          roles={props.roles}
          onChange={(roleMappings) => change({ roleMappings })}
        />
        <div className="field">
          <label htmlFor={`${id}-default-role`}>Users in no mapped group</label>
          <select
            id={`${id}-default-role`}
            value={form.defaultRole}
            onChange={(e) => change({ defaultRole: e.target.value as Role | '' })}
          >
            <option value="">Refuse the sign-in</option>
            {props.roles.map((role) => (
              <option key={role} value={role}>
                Sign in as {roleLabel(role)}
              </option>
            ))}
          </select>
        </div>
      </fieldset>

      {error && (
        <p id={`${id}-error`} className="inline-alert" role="alert">
          The settings were not saved: {errorMessage(error)}
        </p>
      )}
      <div className={styles.footer}>
        <button type="submit" className="button button-primary" disabled={fetching}>
          {fetching ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
