import type { ReactNode } from 'react';
import { Dialog, DialogActions } from '@/components/dialog';

type ConfirmDialogProps = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Shown on the confirm button while busy. */
  busyLabel?: string;
  /** A destructive action: the confirm button is red and Cancel has focus. */
  danger?: boolean;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
};

/** Asks before doing something that cannot be undone or changes someone's access. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog title={props.title} onClose={props.onCancel} busy={props.busy}>
      <div>{props.children}</div>
      {props.error && (
        <p className="inline-alert" role="alert">
          {props.error}
        </p>
      )}
      <DialogActions>
        <button type="button" className="button" onClick={props.onCancel} disabled={props.busy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${props.danger ? 'button-danger' : 'button-primary'}`}
          onClick={props.onConfirm}
          disabled={props.busy}
        >
          {props.busy ? (props.busyLabel ?? `${props.confirmLabel}…`) : props.confirmLabel}
        </button>
      </DialogActions>
    </Dialog>
  );
}
