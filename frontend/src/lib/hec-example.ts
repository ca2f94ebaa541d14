/**
 * A ready request sending one event to the HTTP Event Collector. secret is
 * the token, or a placeholder such as "<token>" where none is at hand.
 */
export function hecCurlExample(origin: string, secret: string, defaultSourcetype: string | null): string {
  // A token without a default sourcetype gets one in the example, so the event is easy to find.
  const sourcetype = defaultSourcetype ? '' : ', "sourcetype": "demo"';
  return [
    `curl ${origin}/services/collector/event \\`,
    `  -H "Authorization: Splunk ${secret}" \\`,
    `  -d '{"event": {"message": "user login failed", "user": "alice", "severity": "high"},`,
    `       "host": "web-01"${sourcetype}}'`,
  ].join('\n');
}
