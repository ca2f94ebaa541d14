import { useEffect, useRef, useState } from 'react';

/**
 * Calls onRefresh every intervalMs while the page is visible (and enabled).
 * A hidden tab pauses it; when the tab shows again it refreshes at once if a
 * refresh is due, then resumes the rhythm. Returns whether it is paused.
 */
export function useAutoRefresh(onRefresh: () => void, intervalMs: number, enabled = true): { paused: boolean } {
  const latest = useRef(onRefresh);
  useEffect(() => {
    latest.current = onRefresh;
  });
  const [paused, setPaused] = useState(() => document.visibilityState === 'hidden');

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    let last = Date.now();
    const tick = () => {
      last = Date.now();
      latest.current();
    };
    const start = () => {
      if (timer === undefined) timer = setInterval(tick, intervalMs);
    };
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const onVisibilityChange = () => {
      const hidden = document.visibilityState === 'hidden';
      setPaused(hidden);
      if (hidden) {
        stop();
        return;
      }
      if (Date.now() - last >= intervalMs) tick();
      start();
    };

    if (document.visibilityState !== 'hidden') start();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs, enabled]);

  return { paused };
}
