import { useEffect, useState } from 'react';
import { copyText } from '@/lib/clipboard';

type CopyButtonProps = {
  text: string;
  /** The button's text, e.g. "Copy key". */
  label?: string;
  className?: string;
};

/** Copies text and says so for a moment (also to screen readers). */
export function CopyButton({ text, label = 'Copy', className }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2_000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <>
      <button
        type="button"
        className={className ?? 'button'}
        onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
      >
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied'
          ? 'Copied to the clipboard.'
          : state === 'failed'
            ? 'Copying failed; select the text and copy it.'
            : ''}
      </span>
    </>
  );
}
