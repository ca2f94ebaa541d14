import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useModalDialog } from '@/lib/use-modal-dialog';
import styles from './drawer.module.css';

type DrawerProps = {
  title: ReactNode;
  /** Under the title: a status, a short description. */
  subtitle?: ReactNode;
  /** Called on Escape, the close button and a click on the backdrop. */
  onClose: () => void;
  children: ReactNode;
};

/**
 * A panel at the side of the page, on the native modal <dialog>: the page
 * behind is inert, focus stays inside (on the close button first), Escape
 * or a click beside the panel closes it, and focus goes back to where it
 * was. Mount it to open it and unmount it to close it. The header stays put
 * while the body scrolls.
 */
export function Drawer({ title, subtitle, onClose, children }: DrawerProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const latestClose = useRef(onClose);
  useEffect(() => {
    latestClose.current = onClose;
  });

  useModalDialog(ref);

  return (
    <dialog
      ref={ref}
      className={styles.drawer}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        latestClose.current();
      }}
      onClick={(e) => {
        // A click on the backdrop (outside the panel) closes it.
        if (e.target === ref.current) latestClose.current();
      }}
    >
      <div className={styles.panel}>
        <div className={styles.header}>
          <div>
            <h2 id={titleId} className={styles.title}>
              {title}
            </h2>
            {subtitle && <div className={styles.subtitle}>{subtitle}</div>}
          </div>
          <button
            type="button"
            className={`button button-quiet ${styles.close}`}
            aria-label="Close"
            onClick={() => latestClose.current()}
            data-autofocus
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className={styles.body}>{children}</div>
      </div>
    </dialog>
  );
}
