import { NavLink } from 'react-router';
import styles from './side-nav.module.css';

type View = { to: string; label: string; description: string; icon: string };

// Icon paths are 24×24 outlines.
const views: View[] = [
  {
    to: '/admin',
    label: 'Administration',
    description: 'Tenants, users, access',
    icon: 'M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6l-8-3Z',
  },
  {
    to: '/management',
    label: 'Management',
    description: 'Overview and trends',
    icon: 'M4 20V10m6 10V4m6 16v-7m4 7H3',
  },
  {
    to: '/operator',
    label: 'Operator',
    description: 'Pipelines and sources',
    icon: 'M4 7h10m4 0h2M4 17h2m4 0h10M14 4v6m-4 4v6',
  },
  {
    to: '/analyst',
    label: 'Analyst',
    description: 'Live events, explorer',
    icon: 'm21 21-4.3-4.3M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14Z',
  },
];

export function SideNav() {
  return (
    <nav className={styles.nav} aria-label="Views">
      <ul className={styles.list}>
        {views.map((view) => (
          <li key={view.to}>
            <NavLink
              to={view.to}
              className={({ isActive }) => (isActive ? `${styles.link} ${styles.active}` : styles.link)}
            >
              <svg className={styles.icon} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d={view.icon} />
              </svg>
              <span className={styles.text}>
                <span className={styles.label}>{view.label}</span>
                <span className={styles.description}>{view.description}</span>
              </span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
