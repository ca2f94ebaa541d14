import type { ReactNode } from 'react';
import { BrandMark } from '@/components/brand-mark';
import styles from './auth-layout.module.css';

type AuthLayoutProps = {
  title: string;
  subtitle?: ReactNode;
  /** For content wider than a sign-in form, e.g. the MFA enrolment. */
  wide?: boolean;
  children: ReactNode;
};

/** The centred card of the sign-in pages, outside the app shell. */
export function AuthLayout({ title, subtitle, wide = false, children }: AuthLayoutProps) {
  return (
    <main className={styles.page}>
      <title>{`${title} · Scalefield`}</title>
      <div className={wide ? `${styles.panel} ${styles.wide}` : styles.panel}>
        <div className={styles.brand}>
          <BrandMark size={40} />
          <span className={styles.product}>Scalefield</span>
        </div>
        <h1 className={styles.title}>{title}</h1>
        {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : <div className={styles.subtitle} />}
        {children}
      </div>
    </main>
  );
}
