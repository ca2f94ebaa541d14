import { BrandMark } from '@/components/brand-mark';
import type { Role } from '@/lib/gql/graphql';
import { useRequiredSession, useSessionStore } from '@/lib/session-context';
import styles from './top-bar.module.css';

const roleLabels: Record<Role, string> = {
  PLATFORM_ADMIN: 'Platform admin',
  TENANT_ADMIN: 'Tenant admin',
  MANAGER: 'Manager',
  OPERATOR: 'Operator',
  ANALYST: 'Analyst',
  VIEWER: 'Viewer',
};

export function TopBar() {
  const { user, tenant } = useRequiredSession();
  const sessionStore = useSessionStore();

  return (
    <header className={styles.bar}>
      <div className={styles.brand}>
        <BrandMark />
        <span className={styles.product}>Scalefield</span>
        <span className={styles.divider} aria-hidden="true" />
        <span className={styles.tenant} title={`Tenant ${tenant.slug}`}>
          <span className="visually-hidden">Tenant: </span>
          {tenant.name}
        </span>
      </div>
      <div className={styles.account}>
        <div className={styles.user}>
          <span className={styles.email}>{user.email}</span>
          <span className={styles.role}>{roleLabels[user.role]}</span>
        </div>
        <button type="button" className={`button ${styles.signOut}`} onClick={() => sessionStore.end('signed-out')}>
          Sign out
        </button>
      </div>
    </header>
  );
}
