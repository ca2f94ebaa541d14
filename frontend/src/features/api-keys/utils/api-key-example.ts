/** A ready request with the new key: the tenant's name, from the GraphQL API. */
export function apiKeyCurlExample(origin: string, secret: string): string {
  return [
    `curl ${origin}/graphql \\`,
    `  -H "Authorization: Bearer ${secret}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"query": "{ tenant { name } }"}'`,
  ].join('\n');
}

/** The end of the given day (YYYY-MM-DD) in the reader's time zone, as RFC 3339; null for no date. */
export function endOfDay(date: string): string | null {
  if (!date) return null;
  const end = new Date(`${date}T23:59:59`);
  return Number.isNaN(end.getTime()) ? null : end.toISOString();
}

/** Today as YYYY-MM-DD in the reader's time zone, for a date input's min. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
