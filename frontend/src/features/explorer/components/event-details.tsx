import type { ReactNode } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Missing } from '@/components/data-table';
import { SeverityBadge } from '@/components/severity-badge';
import { DupBadge, QualityScore, RiskScore } from '@/features/explorer/components/scores';
import { formatDateTime, formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { EventDetail_EventFragment } from '@/lib/gql/graphql';
import styles from './explorer.module.css';

export const EventDetailFragment = graphql(`
  fragment EventDetail_event on SecurityEvent {
    id
    time
    receivedAt
    host
    source
    sourcetype
    severity
    severityId
    message
    user
    srcIp
    dstIp
    srcPort
    dstPort
    srcHostname
    dstHostname
    action
    classUid
    className
    categoryUid
    categoryName
    activityId
    activityName
    status
    device
    vendorEventId
    database {
      name
      statement
      object
      rows
    }
    finding {
      uid
      title
    }
    srcGeo {
      ...EventDetail_geo
    }
    dstGeo {
      ...EventDetail_geo
    }
    threatMatches {
      field
      type
      value
      source
      confidence
      labels
    }
    userContext {
      department
      title
      privileged
      manager
    }
    riskScore
    quality
    qualityFlags
    warnings
    dupCount
    lastSeenAt
    bronzeId
    bronze {
      id
      receivedAt
      kind
      source
      sourcetype
      host
      payload
      contentHash
      status
      error
    }
  }
`);

const GeoFragment = graphql(`
  fragment EventDetail_geo on Geo {
    country
    city
    lat
    lon
    asn
    asOrg
  }
`);

type Event = EventDetail_EventFragment;

/** Everything known about one event, grouped the way OCSF groups it. */
export function EventDetails(props: { event: FragmentType<typeof EventDetailFragment> }) {
  const event = getFragmentData(EventDetailFragment, props.event);
  return (
    <div className={styles.details}>
      <div className={styles.detailsSummary}>
        <SeverityBadge severity={event.severity} />
        <p className={styles.detailsMessage}>{event.message || '(no message)'}</p>
        <div className={styles.detailsScores}>
          <Score label="Risk">
            <RiskScore value={event.riskScore} />
          </Score>
          <Score label="Quality">
            <QualityScore value={event.quality} />
          </Score>
          <Score label="Copies">
            <DupBadge count={event.dupCount} />
          </Score>
        </div>
      </div>

      <Section title="Classification">
        <Fields
          rows={[
            ['Time', <Time key="t" iso={event.time} />],
            ['Received', <Time key="r" iso={event.receivedAt} />],
            ['Class', `${event.className} (${event.classUid})`],
            ['Category', `${event.categoryName} (${event.categoryUid})`],
            ['Activity', event.activityName ? `${event.activityName} (${event.activityId})` : event.activityId],
            ['Severity', `${event.severity} (${event.severityId})`],
            ['Status', event.status],
            ['Action', event.action],
            ['Device', event.device],
            ['Vendor event ID', event.vendorEventId],
            ['Host', event.host],
            ['Source', event.source],
            ['Source type', event.sourcetype],
          ]}
        />
      </Section>

      <Section title="Endpoints">
        <div className={styles.endpoints}>
          <Endpoint
            title="Source"
            ip={event.srcIp}
            port={event.srcPort}
            hostname={event.srcHostname}
            geo={event.srcGeo}
          />
          <Endpoint
            title="Destination"
            ip={event.dstIp}
            port={event.dstPort}
            hostname={event.dstHostname}
            geo={event.dstGeo}
          />
        </div>
      </Section>

      <Section title="Actor">
        <Fields
          rows={[
            ['User', event.user],
            ['Department', event.userContext?.department],
            ['Title', event.userContext?.title],
            ['Manager', event.userContext?.manager],
            ['Privileged', event.userContext ? (event.userContext.privileged ? 'Yes' : 'No') : null],
          ]}
        />
        {event.user && !event.userContext && (
          <p className={styles.note}>The user directory has no entry for this user.</p>
        )}
      </Section>

      {event.database && (
        <Section title="Database">
          <Fields
            rows={[
              ['Database', event.database.name],
              ['Object', event.database.object],
              [
                'Rows',
                event.database.rows === null || event.database.rows === undefined
                  ? null
                  : formatNumber(event.database.rows),
              ],
            ]}
          />
          {event.database.statement && (
            <pre className={styles.statement} tabIndex={0} aria-label="Statement">
              {event.database.statement}
            </pre>
          )}
        </Section>
      )}

      {event.finding && (
        <Section title="Finding">
          <Fields
            rows={[
              ['Title', event.finding.title],
              ['Finding ID', event.finding.uid],
            ]}
          />
        </Section>
      )}

      <Section title={`Threat matches (${event.threatMatches.length})`}>
        {event.threatMatches.length === 0 ? (
          <p className={styles.note}>No threat indicator matched this event.</p>
        ) : (
          <ul className={styles.threatList}>
            {event.threatMatches.map((match) => (
              <li key={`${match.field}:${match.value}:${match.source}`} className={styles.threatItem}>
                <span className={styles.mono}>{match.value}</span> in <code>{match.field}</code> ({match.type}) from{' '}
                {match.source}, confidence {match.confidence}
                {match.labels.length > 0 && <span className={styles.labels}> · {match.labels.join(', ')}</span>}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Quality">
        <Fields rows={[['Score', `${Math.round(event.quality * 100)}% (${event.quality.toFixed(2)})`]]} />
        <List title="What lowered it" items={event.qualityFlags} empty="Nothing: every check passed." />
        <List title="Parser warnings" items={event.warnings} empty="None." />
      </Section>

      <Section title="Deduplication">
        <Fields
          rows={[
            ['Copies received', formatNumber(event.dupCount)],
            ['Last copy', event.lastSeenAt ? <Time key="l" iso={event.lastSeenAt} /> : null],
          ]}
        />
      </Section>

      <RawPayload event={event} />
    </div>
  );
}

function RawPayload({ event }: { event: Event }) {
  const bronze = event.bronze;
  return (
    <Section title="Raw (Bronze)">
      {!bronze ? (
        <p className={styles.note}>The raw record ({event.bronzeId}) is no longer kept.</p>
      ) : (
        <>
          <Fields
            rows={[
              ['Record ID', <code key="id">{bronze.id}</code>],
              ['Channel', bronze.kind],
              ['Status', bronze.status],
              [
                'SHA-256',
                <code key="h" className={styles.hash}>
                  {bronze.contentHash}
                </code>,
              ],
            ]}
          />
          <div className={styles.rawHeader}>
            <span className={styles.note}>{isJson(bronze.payload) ? 'JSON, formatted' : 'As received'}</span>
            <CopyButton text={bronze.payload} label="Copy raw" className="button" />
          </div>
          <pre className={styles.raw} tabIndex={0} aria-label="Raw payload">
            {prettyPayload(bronze.payload)}
          </pre>
        </>
      )}
    </Section>
  );
}

function isJson(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/** The payload indented when it is JSON, else as received. */
export function prettyPayload(text: string): string {
  return isJson(text) ? JSON.stringify(JSON.parse(text), null, 2) : text;
}

type GeoData = FragmentType<typeof GeoFragment> | null | undefined;

function Endpoint(props: {
  title: string;
  ip: string | null | undefined;
  port: number | null | undefined;
  hostname: string | null | undefined;
  geo: GeoData;
}) {
  const geo = getFragmentData(GeoFragment, props.geo);
  const place = geo ? [geo.city, geo.country].filter(Boolean).join(', ') : '';
  return (
    <div className={styles.endpoint}>
      <h4 className={styles.endpointTitle}>{props.title}</h4>
      <Fields
        rows={[
          ['IP', props.ip ? <span className={styles.mono}>{props.ip}</span> : null],
          ['Port', props.port],
          ['Hostname', props.hostname],
          // Without GeoIP data (private addresses) the location rows would all be dashes.
          ...(geo
            ? ([
                ['Location', place || null],
                [
                  'Coordinates',
                  geo.lat != null && geo.lon != null ? `${geo.lat.toFixed(2)}, ${geo.lon.toFixed(2)}` : null,
                ],
                ['Network', geo.asn ? `AS${geo.asn}${geo.asOrg ? ` ${geo.asOrg}` : ''}` : null],
              ] satisfies [string, FieldValue][])
            : []),
        ]}
      />
      {props.ip && !geo && <p className={styles.note}>No location known for this address.</p>}
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className={styles.detailSection} aria-label={title}>
      <h3 className={styles.detailTitle}>{title}</h3>
      {children}
    </section>
  );
}

type FieldValue = ReactNode | string | number | null | undefined;

/** Label/value pairs; unset values show a dash. */
function Fields({ rows }: { rows: [string, FieldValue][] }) {
  return (
    <dl className={styles.fields}>
      {rows.map(([label, value]) => (
        <div key={label} className={styles.fieldRow}>
          <dt>{label}</dt>
          <dd>{value === null || value === undefined || value === '' ? <Missing /> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

function List({ title, items, empty }: { title: string; items: string[]; empty: string }) {
  return (
    <div className={styles.listBlock}>
      <h4 className={styles.endpointTitle}>{title}</h4>
      {items.length === 0 ? (
        <p className={styles.note}>{empty}</p>
      ) : (
        <ul className={styles.flagList}>
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso)}
    </time>
  );
}

function Score({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.scoreBox}>
      <span className={styles.scoreLabel}>{label}</span>
      {children}
    </div>
  );
}
