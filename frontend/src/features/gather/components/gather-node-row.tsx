import { NodeStatusBadge } from '@/features/gather/components/gather-badges';
import { Missing, tableStyles } from '@/components/data-table';
import { RelativeTime } from '@/components/relative-time';
import { countLabel, formatBytes, formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './gather.module.css';

export const GatherNodeRowFragment = graphql(`
  fragment GatherNodeRow_node on GatherNode {
    id
    name
    status
    hostname
    version
    os
    ips
    lastHeartbeatAt
    spoolFiles
    spoolBytes
    collectors {
      name
      status
      error
    }
  }
`);

type GatherNodeRowProps = {
  node: FragmentType<typeof GatherNodeRowFragment>;
  /** The instant "… ago" counts from. */
  now: number;
  onOpen: (id: string) => void;
};

/** How many addresses a row shows before "+n more". */
const SHOWN_IPS = 1;

export function GatherNodeRow(props: GatherNodeRowProps) {
  const node = getFragmentData(GatherNodeRowFragment, props.node);
  const failing = node.collectors.filter((collector) => collector.error);
  const title = node.hostname || node.name;

  return (
    <tr data-node-id={node.id} data-status={node.status}>
      <td className={styles.node} title={title}>
        <div className={styles.nodeName}>{title}</div>
        {node.hostname && node.name !== node.hostname && <div className={styles.subtle}>{node.name}</div>}
      </td>
      <td>
        <NodeStatusBadge status={node.status} />
        <div className={styles.subtle}>
          {node.lastHeartbeatAt ? <RelativeTime iso={node.lastHeartbeatAt} now={props.now} /> : 'no heartbeat yet'}
        </div>
      </td>
      <td className={styles.os} title={node.os}>
        <span className={tableStyles.mono}>{node.version || <Missing />}</span>
        <div className={styles.subtle}>{node.os || 'OS not reported'}</div>
      </td>
      <td className={tableStyles.mono}>
        {node.ips.length === 0 ? (
          <Missing />
        ) : (
          <span title={node.ips.join('\n')}>
            {node.ips.slice(0, SHOWN_IPS).join(', ')}
            {node.ips.length > SHOWN_IPS && <div className={styles.subtle}>+{node.ips.length - SHOWN_IPS} more</div>}
          </span>
        )}
      </td>
      <td className={styles.number}>
        {node.spoolFiles == null ? (
          <Missing label="not reported" />
        ) : (
          <span title={node.spoolBytes == null ? undefined : `${formatNumber(node.spoolBytes)} bytes`}>
            {countLabel(node.spoolFiles, 'file')}
            {node.spoolBytes != null && node.spoolFiles > 0 && `, ${formatBytes(node.spoolBytes)}`}
          </span>
        )}
      </td>
      <td>
        {node.collectors.length === 0 ? (
          <Missing />
        ) : failing.length === 0 ? (
          <span>{countLabel(node.collectors.length, 'collector')}</span>
        ) : (
          <span className={styles.collectorError} title={failing.map((c) => `${c.name}: ${c.error}`).join('\n')}>
            {countLabel(failing.length, 'error')}: {failing.map((c) => c.name).join(', ')}
          </span>
        )}
      </td>
      <td className={tableStyles.actions}>
        <button
          type="button"
          className={`button button-quiet ${tableStyles.small}`}
          aria-label={`Details of ${title}`}
          onClick={() => props.onOpen(node.id)}
        >
          Details
        </button>
      </td>
    </tr>
  );
}
