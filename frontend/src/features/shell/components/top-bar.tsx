import { BrandMark } from '@/components/brand-mark';
import { UserMenu } from '@/features/shell/components/user-menu';
import { useRequiredSession } from '@/lib/session-context';
import styles from './top-bar.module.css';

export function TopBar() {
  const { tenant } = useRequiredSession();

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
      <UserMenu />
    </header>
  );
}
