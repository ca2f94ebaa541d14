import { EmptyState, EmptyStateCode, EmptyStateText } from '@/components/query-state';
import { hecCurlExample } from '@/lib/hec-example';

/** No source has sent anything yet: how to send a first event. */
export function SourcesEmptyState() {
  return (
    <EmptyState title="No events received yet.">
      <EmptyStateText>
        Send one to the HTTP Event Collector with one of your tenant&apos;s HEC tokens (Administration → HEC tokens);
        its token shows up here as a source:
      </EmptyStateText>
      <EmptyStateCode label="Example request">{hecCurlExample(window.location.origin, '<token>', null)}</EmptyStateCode>
      <EmptyStateText>
        Syslog listeners (UDP, TCP, TLS) are configured by the operator of the Scalefield server; each one appears here
        once it has received messages for this tenant.
      </EmptyStateText>
    </EmptyState>
  );
}
