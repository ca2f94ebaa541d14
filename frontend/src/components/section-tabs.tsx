import { NavLink } from 'react-router';
import styles from './section-tabs.module.css';

/** end: the tab is open only on its own path, not on the paths below it. */
export type SectionTab = { path: string; label: string; end?: boolean };

type SectionTabsProps = {
  /** The navigation's accessible name, e.g. "Administration sections". */
  label: string;
  tabs: SectionTab[];
};

/** The sub-navigation of a view: one link per section, the open one marked (aria-current="page"). */
export function SectionTabs({ label, tabs }: SectionTabsProps) {
  return (
    <nav className={styles.tabs} aria-label={label}>
      <ul className={styles.list}>
        {tabs.map((tab) => (
          <li key={tab.path}>
            <NavLink
              to={tab.path}
              end={tab.end}
              className={({ isActive }) => (isActive ? `${styles.tab} ${styles.active}` : styles.tab)}
            >
              {tab.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
