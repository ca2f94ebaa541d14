import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useModalDialog } from '@/lib/use-modal-dialog';
import styles from './dialog.module.css';

type DialogProps = {
  title: string;
  description?: ReactNode;
  /** Called on Escape and on the close button; not while busy. */
  onClose: () => void;
  /** While true the dialog cannot be dismissed (a request is running). */
  busy?: boolean;
  wide?: boolean;
  children: ReactNode;
};

/**
 * A modal dialog on the native <dialog>: showModal makes the rest of the page
 * inert (focus stays inside) and Escape cancels it. Mount it to open it and
 * unmount it to close it; focus goes back to where it was. The first element
 * with data-autofocus gets focus, else the first focusable one.
 */
export function Dialog({ title, description, onClose, busy = false, wide = false, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const latest = useRef({ onClose, busy });
  useEffect(() => {
    latest.current = { onClose, busy };
  });

  useModalDialog(ref);

  function dismiss() {
    if (!latest.current.busy) latest.current.onClose();
  }

  return (
    <dialog
      ref={ref}
      className={wide ? `${styles.dialog} ${styles.wide}` : styles.dialog}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // The dialog stays open until its owner unmounts it.
        event.preventDefault();
        dismiss();
      }}
    >
      <div className={styles.header}>
        <div>
          <h2 id={titleId} className={styles.title}>
            {title}
          </h2>
          {description && (
            <p id={descriptionId} className={styles.description}>
              {description}
            </p>
          )}
        </div>
        <button
          type="button"
          className={`button button-quiet ${styles.close}`}
          aria-label="Close"
          onClick={dismiss}
          disabled={busy}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className={styles.body}>{children}</div>
    </dialog>
  );
}

/** The row of buttons at the bottom of a dialog. */
export function DialogActions({ children }: { children: ReactNode }) {
  return <div className={styles.actions}>{children}</div>;
}
