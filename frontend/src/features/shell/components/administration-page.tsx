import { ViewPlaceholder } from '@/features/shell/components/view-placeholder';

export function AdministrationPage() {
  return (
    <ViewPlaceholder title="Administration" summary="Who can use Scalefield and how data gets in.">
      <p>Tenants, users, roles, API keys and HEC tokens will be managed here.</p>
      <ul>
        <li>Create tenants and invite users to them.</li>
        <li>Assign roles per tenant, from viewer to tenant admin.</li>
        <li>Issue and revoke API keys and HTTP Event Collector tokens.</li>
      </ul>
    </ViewPlaceholder>
  );
}
