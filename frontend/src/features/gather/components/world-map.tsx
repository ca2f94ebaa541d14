import { useId, useState } from 'react';
import { geoEqualEarth, geoGraticule10, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countriesTopology from 'world-atlas/countries-110m.json';
import type { BadgeTone } from '@/components/badge';
import styles from './world-map.module.css';

export type MapMarker = {
  id: string;
  lat: number;
  lon: number;
  tone: BadgeTone;
  /** The marker's accessible name, e.g. "db-0, Frankfurt DC2: Online". */
  label: string;
  /** Lines of the tooltip; the first is its title. */
  details: string[];
};

type WorldMapProps = {
  markers: MapMarker[];
  /** A click (or Enter) on a marker. */
  onSelect?: (id: string) => void;
};

const WIDTH = 960;
const HEIGHT = 470;

// Drawn once: the countries come from world-atlas, bundled with the app (no tile server).
const topology = countriesTopology as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
const projection = geoEqualEarth().fitExtent(
  [
    [6, 6],
    [WIDTH - 6, HEIGHT - 6],
  ],
  { type: 'Sphere' },
);
const path = geoPath(projection);
// Only what lies between these latitudes is in view: Antarctica and the far north hold no nodes and take room.
const TOP = projection([0, 84])![1];
const BOTTOM = projection([0, -58])![1];
const VIEW_HEIGHT = BOTTOM - TOP;
const sphere = path({ type: 'Sphere' }) ?? '';
const graticule = path(geoGraticule10()) ?? '';
const countries = feature(topology, topology.objects.countries).features.map((country, index) => ({
  key: String(country.id ?? index),
  d: path(country) ?? '',
}));
const borders = path(mesh(topology, topology.objects.countries, (a, b) => a !== b)) ?? '';

/** Where a point lands on the map, or null (never for a valid latitude and longitude). */
function place(marker: MapMarker): [number, number] | null {
  return projection([marker.lon, marker.lat]);
}

/**
 * An offline world map (Equal Earth projection of Natural Earth's 1:110m
 * countries, 58° S to 84° N) with coloured markers. Each marker is focusable, shows a
 * tooltip on hover and focus, and calls onSelect when activated.
 */
export default function WorldMap({ markers, onSelect }: WorldMapProps) {
  const id = useId();
  const [active, setActive] = useState<string | null>(null);
  const placed = markers.flatMap((marker) => {
    const point = place(marker);
    return point ? [{ marker, x: point[0], y: point[1] }] : [];
  });
  const shown = placed.find((p) => p.marker.id === active);

  return (
    <div className={styles.map}>
      <svg
        className={styles.svg}
        viewBox={`0 ${TOP.toFixed(1)} ${WIDTH} ${VIEW_HEIGHT.toFixed(1)}`}
        preserveAspectRatio="xMidYMid meet"
        aria-labelledby={`${id}-label`}
        role="group"
      >
        <title id={`${id}-label`}>World map of the nodes</title>
        <g aria-hidden="true">
          <path className={styles.sphere} d={sphere} />
          <path className={styles.graticule} d={graticule} />
          {countries.map((country) => (
            <path key={country.key} className={styles.country} d={country.d} />
          ))}
          <path className={styles.border} d={borders} />
        </g>
        {placed.map(({ marker, x, y }) => (
          <g
            key={marker.id}
            className={styles.marker}
            data-tone={marker.tone}
            data-marker-id={marker.id}
            transform={`translate(${x.toFixed(1)} ${y.toFixed(1)})`}
            role="button"
            tabIndex={0}
            aria-label={marker.label}
            aria-describedby={active === marker.id ? `${id}-tooltip` : undefined}
            onMouseEnter={() => setActive(marker.id)}
            onMouseLeave={() => setActive((current) => (current === marker.id ? null : current))}
            onFocus={() => setActive(marker.id)}
            onBlur={() => setActive((current) => (current === marker.id ? null : current))}
            onClick={() => onSelect?.(marker.id)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onSelect?.(marker.id);
              }
              if (event.key === 'Escape') setActive(null);
            }}
          >
            <circle className={styles.halo} r={11} />
            <circle className={styles.dot} r={6} />
          </g>
        ))}
      </svg>
      {shown && (
        <div
          id={`${id}-tooltip`}
          role="tooltip"
          className={styles.tooltip}
          data-below={shown.y - TOP < VIEW_HEIGHT * 0.3 || undefined}
          style={{ left: `${(shown.x / WIDTH) * 100}%`, top: `${((shown.y - TOP) / VIEW_HEIGHT) * 100}%` }}
        >
          <strong>{shown.marker.details[0]}</strong>
          {shown.marker.details.slice(1).map((line, index) => (
            <span key={index}>{line}</span>
          ))}
        </div>
      )}
    </div>
  );
}
