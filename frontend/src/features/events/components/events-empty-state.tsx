import { EmptyState, EmptyStateCode, EmptyStateText } from '@/components/query-state';
import { hecCurlExample } from '@/lib/hec-example';

type EventsEmptyStateProps = {
  filtered: boolean;
  onClearFilters: () => void;
};

export function EventsEmptyState({ filtered, onClearFilters }: EventsEmptyStateProps) {
  if (filtered) {
    return (
      <EmptyState title="No events match these filters.">
        <button type="button" className="button" onClick={onClearFilters}>
          Clear filters
        </button>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No events yet.">
      <EmptyStateText>
        Send one to the HTTP Event Collector endpoint with one of your tenant&apos;s HEC tokens; it shows up here as
        soon as it is refined:
      </EmptyStateText>
      <EmptyStateCode label="Example request">{hecCurlExample(window.location.origin, '<token>', null)}</EmptyStateCode>
    </EmptyState>
  );
}
