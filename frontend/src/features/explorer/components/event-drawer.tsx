import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { EventDetailQuery } from '@/features/explorer/api/explorer-documents';
import { EventDetails } from '@/features/explorer/components/event-details';
import { ErrorState, LoadingState } from '@/components/query-state';
import styles from './explorer.module.css';

type EventDrawerProps = {
  eventId: string;
  onClose: () => void;
};

/**
 * One event's details in a panel at the side, on the native modal <dialog>:
 * the page behind is inert, focus stays inside, Escape closes it and focus
 * goes back to where it was.
 */
export function EventDrawer({ eventId, onClose }: EventDrawerProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const latestClose = useRef(onClose);
  useEffect(() => {
    latestClose.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const [result, reexecute] = useQuery({ query: EventDetailQuery, variables: { id: eventId } });
  const event = result.data?.event;

  let body: ReactNode;
  if (event) body = <EventDetails event={event} />;
  else if (result.error) {
    body = (
      <ErrorState error={result.error} what="This event" onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
    );
  } else body = <LoadingState label="Loading the event…" />;

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
      <div className={styles.drawerPanel}>
        <div className={styles.drawerHeader}>
          <h2 id={titleId} className={styles.drawerTitle}>
            Event details
          </h2>
          <button
            type="button"
            className={`button button-quiet ${styles.drawerClose}`}
            aria-label="Close"
            onClick={() => latestClose.current()}
            data-autofocus
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className={styles.drawerBody}>{body}</div>
      </div>
    </dialog>
  );
}
