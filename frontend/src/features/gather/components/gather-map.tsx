import { lazy, Suspense } from 'react';
import type { MapMarker } from '@/features/gather/components/world-map';
import { nodeStatuses } from '@/features/gather/utils/gather-labels';
import { LoadingState } from '@/components/query-state';
import { formatRelativeTime } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { GatherNodeStatus } from '@/lib/gql/graphql';
import styles from './gather.module.css';

// d3-geo and the countries load with the map, not with the app.
const WorldMap = lazy(() => import('@/features/gather/components/world-map'));

export const GatherMapFragment = graphql(`
  fragment GatherMap_node on GatherNode {
    id
    name
    hostname
    status
    lastHeartbeatAt
    location {
      lat
      lon
      label
    }
  }
`);

type GatherMapProps = {
  nodes: FragmentType<typeof GatherMapFragment>[];
  now: number;
  onOpen: (id: string) => void;
};

const legendOrder: GatherNodeStatus[] = ['ONLINE', 'STALE', 'OFFLINE', 'REVOKED'];

/** Where the nodes are: markers coloured by status, and the nodes that did not say where they are. */
export function GatherMap(props: GatherMapProps) {
  const nodes = props.nodes.map((node) => getFragmentData(GatherMapFragment, node));
  const markers: MapMarker[] = [];
  const unlocated: typeof nodes = [];
  for (const node of nodes) {
    const title = node.hostname || node.name;
    const status = nodeStatuses[node.status];
    if (!node.location) {
      unlocated.push(node);
      continue;
    }
    const place = node.location.label || `${node.location.lat.toFixed(2)}, ${node.location.lon.toFixed(2)}`;
    markers.push({
      id: node.id,
      lat: node.location.lat,
      lon: node.location.lon,
      tone: status.tone,
      label: `${title}, ${place}: ${status.label}`,
      details: [
        title,
        place,
        `${status.label}${node.lastHeartbeatAt ? ` · last heartbeat ${formatRelativeTime(node.lastHeartbeatAt, props.now)}` : ' · no heartbeat yet'}`,
      ],
    });
  }

  return (
    <section className={styles.card} aria-labelledby="gather-map-title">
      <div className={styles.cardHeader}>
        <h3 id="gather-map-title" className={styles.heading}>
          Where the nodes are
        </h3>
        <ul className={styles.legend} aria-label="Marker colours">
          {legendOrder.map((status) => (
            <li key={status} data-tone={nodeStatuses[status].tone}>
              <span className={styles.legendDot} aria-hidden="true" />
              {nodeStatuses[status].label}
            </li>
          ))}
        </ul>
      </div>
      <Suspense fallback={<LoadingState label="Loading the map…" />}>
        <WorldMap markers={markers} onSelect={props.onOpen} />
      </Suspense>
      {unlocated.length > 0 && (
        <div className={styles.unlocated}>
          <p className={styles.subtle}>
            Without a location (set <code>location</code> in the agent&apos;s gather.yaml to place them):
          </p>
          <ul aria-label="Nodes without a location">
            {unlocated.map((node) => (
              <li key={node.id}>
                <button type="button" className={styles.linkButton} onClick={() => props.onOpen(node.id)}>
                  {node.hostname || node.name}
                </button>{' '}
                <span className={styles.subtle}>({nodeStatuses[node.status].label})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
