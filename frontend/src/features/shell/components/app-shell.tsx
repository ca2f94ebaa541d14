import { Outlet } from 'react-router';
import { SideNav } from '@/features/shell/components/side-nav';
import { TopBar } from '@/features/shell/components/top-bar';
import styles from './app-shell.module.css';

/** The frame around every signed-in view. */
export function AppShell() {
  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <div className={styles.body}>
        <SideNav />
        <main id="main" className={styles.main} tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
