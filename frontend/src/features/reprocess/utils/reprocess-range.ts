/** Why a reprocessing range cannot be used, or null. Values are datetime-local strings. */
export function reprocessRangeError(from: string, to: string, nowMs: number): string | null {
  if (!from || !to) return 'Enter both the start and the end of the range.';
  const start = new Date(from).getTime();
  const end = new Date(to).getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) return 'Enter valid dates and times.';
  if (start >= end) return 'The start must be before the end.';
  if (start > nowMs) return 'The start is in the future: nothing was received then.';
  return null;
}

/** An instant as a datetime-local value in the reader's time zone. */
export function toLocalInput(ms: number): string {
  const date = new Date(ms);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
