import { useEffect, useMemo, useState } from 'react';
import { EventsEmptyState } from '@/features/events/components/events-empty-state';
import { EventsFilterBar } from '@/features/events/components/events-filter-bar';
import { EventsSummary } from '@/features/events/components/events-summary';
import { EventsTable } from '@/features/events/components/events-table';
import { LiveIndicator } from '@/features/events/components/live-indicator';
import { useEventsFeed } from '@/features/events/hooks/use-events-feed';
import { emptyEventFilter, type EventFilterState } from '@/features/events/types/event-filter';
import { toEventFilter } from '@/features/events/utils/event-filter';
import { CursorPager } from '@/components/cursor-pager';
import { ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { useDebouncedValue } from '@/lib/use-debounced-value';

const TYPING_DEBOUNCE_MS = 300;
const DEFAULT_PAGE_SIZE = 25;

/** The Analyst view: Silver events of the tenant, newest first, live. */
export function EventsPage() {
  const [filterState, setFilterState] = useState<EventFilterState>(emptyEventFilter);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const host = useDebouncedValue(filterState.host, TYPING_DEBOUNCE_MS);
  const search = useDebouncedValue(filterState.search, TYPING_DEBOUNCE_MS);
  const { severities } = filterState;
  const filter = useMemo(() => toEventFilter({ severities, host, search }), [severities, host, search]);

  const feed = useEventsFeed({ filter, pageSize });
  useScrollToTopOn(feed.page);
  const clearFilters = () => setFilterState(emptyEventFilter);

  return (
    <>
      <SectionHeader
        title="Events"
        description="Normalized (Silver) security events of this tenant, newest first, live."
        actions={<LiveIndicator />}
      />
      <EventsFilterBar value={filterState} onChange={setFilterState} onClear={clearFilters} />
      <EventsSummary totalCount={feed.totalCount} newEventCount={feed.newEventCount} onShowNew={feed.firstPage} />
      {feed.error && !feed.loading && feed.rows.length === 0 ? (
        <ErrorState error={feed.error} what="Events" onRetry={feed.retry} />
      ) : feed.loading ? (
        <LoadingState label="Loading events…" />
      ) : feed.rows.length === 0 ? (
        <EventsEmptyState filtered={filter !== undefined} onClearFilters={clearFilters} />
      ) : (
        <>
          {feed.error && (
            <p className="inline-alert" role="alert">
              {feed.error}
            </p>
          )}
          <EventsTable rows={feed.rows} busy={feed.stale} />
        </>
      )}
      {(feed.rows.length > 0 || feed.hasPreviousPage) && (
        <CursorPager
          page={feed.page}
          pageSize={pageSize}
          onPageSizeChange={setPageSize}
          hasPreviousPage={feed.hasPreviousPage}
          hasNextPage={feed.hasNextPage}
          onPrevious={feed.previousPage}
          onNext={feed.nextPage}
          disabled={feed.stale}
        />
      )}
    </>
  );
}

/** Shows the top of a newly opened page, where its count and new-event notice are. */
function useScrollToTopOn(page: number) {
  useEffect(() => {
    const scroller = document.scrollingElement ?? document.documentElement;
    if (scroller.scrollTop > 0) scroller.scrollTop = 0;
  }, [page]);
}
