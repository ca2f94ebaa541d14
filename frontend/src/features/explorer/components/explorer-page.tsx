import { useQuery } from 'urql';
import { ExplorerFacetsQuery } from '@/features/explorer/api/explorer-documents';
import { EventDrawer } from '@/features/explorer/components/event-drawer';
import { ExplorerFilterBar } from '@/features/explorer/components/explorer-filter-bar';
import { ExplorerTable } from '@/features/explorer/components/explorer-table';
import { FacetSidebar } from '@/features/explorer/components/facet-sidebar';
import { useExplorerEvents } from '@/features/explorer/hooks/use-explorer-events';
import { useExplorerFilter } from '@/features/explorer/hooks/use-explorer-filter';
import { emptyExplorerFilter, facetFields } from '@/features/explorer/types/explorer-filter';
import { activeFilters, hasFieldFilters } from '@/features/explorer/utils/explorer-filter';
import { CopyButton } from '@/components/copy-button';
import { EmptyState, EmptyStateText, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { formatNumber } from '@/lib/format';
import { errorMessage } from '@/lib/graphql-errors';
import styles from './explorer.module.css';

export const PAGE_SIZE = 50;
const FACET_LIMIT = 8;
const fields = facetFields.map((f) => f.field);

/** /analyst/explorer: search the tenant's Silver events, narrow them by facets, open one. */
export function ExplorerPage() {
  const { state, filter, eventId, setFilter, openEvent, refresh } = useExplorerFilter();
  const events = useExplorerEvents(filter, PAGE_SIZE);
  const [facets] = useQuery({
    query: ExplorerFacetsQuery,
    variables: { filter, fields, limit: FACET_LIMIT },
    requestPolicy: 'cache-and-network',
  });
  const chips = activeFilters(state);
  const filtered = hasFieldFilters(state);

  return (
    <section aria-labelledby="explorer-title">
      <SectionHeader
        id="explorer-title"
        title="Event explorer"
        description="Search and narrow down this tenant's normalized events; open one for its enrichment, quality and raw record."
        actions={
          <>
            <CopyButton text={typeof window === 'undefined' ? '' : window.location.href} label="Copy link" />
            <button type="button" className="button" onClick={refresh}>
              Refresh
            </button>
          </>
        }
      />
      <ExplorerFilterBar value={state} onChange={setFilter} />
      <div className={styles.summaryRow}>
        <p className={styles.count} aria-live="polite">
          {events.totalCount === null
            ? '\u00a0'
            : `${formatNumber(events.totalCount)}${events.totalCountExact ? '' : '+'} ${
                events.totalCount === 1 && events.totalCountExact ? 'event' : 'events'
              }`}
        </p>
        {chips.length > 0 && (
          <ul className={styles.activeFilters} aria-label="Active filters">
            {chips.map((chip) => (
              <li key={chip.key}>
                <button
                  type="button"
                  className={styles.activeFilter}
                  onClick={() => setFilter(chip.remove(state))}
                  aria-label={`Remove filter ${chip.label}`}
                >
                  {chip.label}
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className={styles.layout}>
        <FacetSidebar
          facets={facets.data?.eventFacets}
          loading={facets.fetching}
          error={facets.error ? errorMessage(facets.error) : null}
          filter={state}
          onChange={setFilter}
        />
        <div className={styles.results}>
          {events.error && events.edges.length === 0 ? (
            <ErrorState error={events.error} what="Events" onRetry={events.retry} />
          ) : events.loading ? (
            <LoadingState label="Loading events…" />
          ) : events.edges.length === 0 ? (
            <EmptyState title={filtered ? 'No events match these filters.' : 'No events in this time range.'}>
              <EmptyStateText>
                {filtered
                  ? 'Remove a filter or widen the time range.'
                  : 'Pick a wider time range, or send events to one of your HEC tokens.'}
              </EmptyStateText>
              {filtered && (
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    setFilter({ ...emptyExplorerFilter, range: state.range, from: state.from, to: state.to })
                  }
                >
                  Clear filters
                </button>
              )}
            </EmptyState>
          ) : (
            <>
              {events.error && (
                <p className="inline-alert" role="alert">
                  Could not refresh: {errorMessage(events.error)}
                </p>
              )}
              <ExplorerTable edges={events.edges} busy={events.refreshing} selectedId={eventId} onOpen={openEvent} />
              <div className={styles.more}>
                <span className={styles.shown}>
                  Showing {formatNumber(events.edges.length)}
                  {events.totalCount !== null &&
                    ` of ${formatNumber(events.totalCount)}${events.totalCountExact ? '' : '+'}`}
                </span>
                {events.loadMoreError && (
                  <span className={styles.moreError} role="alert">
                    Could not load more: {events.loadMoreError}
                  </span>
                )}
                {events.hasNextPage && (
                  <button type="button" className="button" onClick={events.loadMore} disabled={events.loadingMore}>
                    {events.loadingMore ? 'Loading…' : 'Load more'}
                  </button>
                )}
              </div>
            </>
          )}
        </div>
      </div>
      {eventId && <EventDrawer key={eventId} eventId={eventId} onClose={() => openEvent(null)} />}
    </section>
  );
}
