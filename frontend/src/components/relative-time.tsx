import { formatRelativeTime } from '@/lib/format';

type RelativeTimeProps = {
  iso: string;
  /** The instant to count from (ms since the epoch), so a table agrees with itself. */
  now: number;
  className?: string;
};

/** "3 minutes ago", with the exact ISO time in the title and dateTime. */
export function RelativeTime({ iso, now, className }: RelativeTimeProps) {
  return (
    <time className={className} dateTime={iso} title={iso}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}
