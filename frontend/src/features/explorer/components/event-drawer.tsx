import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { EventDetailQuery } from '@/features/explorer/api/explorer-documents';
import { EventDetails } from '@/features/explorer/components/event-details';
import { Drawer } from '@/components/drawer';
import { ErrorState, LoadingState } from '@/components/query-state';

type EventDrawerProps = {
  eventId: string;
  onClose: () => void;
};

/** One event's details in a panel at the side (Drawer). */
export function EventDrawer({ eventId, onClose }: EventDrawerProps) {
  const [result, reexecute] = useQuery({ query: EventDetailQuery, variables: { id: eventId } });
  const event = result.data?.event;

  let body: ReactNode;
  if (event) body = <EventDetails event={event} />;
  else if (result.error) {
    body = (
      <ErrorState error={result.error} what="This event" onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
    );
  } else body = <LoadingState label="Loading the event…" />;

  return (
    <Drawer title="Event details" onClose={onClose}>
      {body}
    </Drawer>
  );
}
