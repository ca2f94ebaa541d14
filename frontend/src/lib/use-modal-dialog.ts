import { useEffect, type RefObject } from 'react';

/**
 * Opens the <dialog> as a modal when the component mounts: the page behind
 * becomes inert and the first element with data-autofocus gets focus. On
 * unmount it closes the dialog and gives focus back to the element that had
 * it, if that is still on the page.
 */
export function useModalDialog(ref: RefObject<HTMLDialogElement | null>) {
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
  }, [ref]);
}
