import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CHANGE_PASSWORD_PATH } from '@/lib/paths';
import { roleLabel } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import { useSignOut } from '@/lib/use-sign-out';
import styles from './top-bar.module.css';

/** The account button of the top bar and its menu: change the password, sign out here, or everywhere. */
export function UserMenu() {
  const { user, tenant } = useRequiredSession();
  const { signOut, signOutEverywhere, busy } = useSignOut();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  async function confirmEverywhere() {
    setError(await signOutEverywhere());
  }

  return (
    <div className={styles.menuRoot} ref={root}>
      <button
        ref={button}
        type="button"
        className={styles.accountButton}
        aria-expanded={open}
        aria-controls={`${id}-menu`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="visually-hidden">Account: </span>
        <span className={styles.user}>
          <span className={styles.email}>{user.email}</span>
          <span className={styles.role}>{roleLabel(user.role)}</span>
        </span>
        <svg className={styles.chevron} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="m4 6 4 4 4-4" />
        </svg>
      </button>
      <div id={`${id}-menu`} className={styles.menu} hidden={!open}>
        <div className={styles.menuHeader}>
          <span className={styles.menuName}>{user.displayName || user.email}</span>
          <span className={styles.menuMeta}>
            {roleLabel(user.role)} · {tenant.name}
          </span>
          <span className={styles.menuMeta}>Two-factor authentication: {user.mfaEnabled ? 'on' : 'off'}</span>
        </div>
        <Link to={CHANGE_PASSWORD_PATH} className={styles.menuItem} onClick={() => setOpen(false)}>
          Change password
        </Link>
        <button type="button" className={styles.menuItem} onClick={() => void signOut()} disabled={busy}>
          Sign out
        </button>
        <button
          type="button"
          className={styles.menuItem}
          onClick={() => {
            setOpen(false);
            setError(null);
            setConfirming(true);
          }}
          disabled={busy}
        >
          Sign out everywhere
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          busyLabel="Signing out…"
          danger
          busy={busy}
          error={error}
          onConfirm={() => void confirmEverywhere()}
          onCancel={() => setConfirming(false)}
        >
          Every session of {user.email}, on every device and browser, ends now, including this one. API keys are not
          affected.
        </ConfirmDialog>
      )}
    </div>
  );
}
