/**
 * The pick on the map, loaded only when the citizen asks for it (MapLibre is most of its weight): the district's
 * own boundaries from /tiles (streets, communities, grids; no remote basemap), a pin fixed at the centre, and the
 * map moved under it.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as maplibregl from 'maplibre-gl';
import type { StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { LonLat } from '../../field/position.ts';

maplibregl.setWorkerUrl(workerUrl);

const LINE = (id: string, layer: string, color: string, width: number, minzoom = 0): StyleSpecification['layers'][number] => ({
  id,
  type: 'line',
  source: layer,
  'source-layer': layer,
  minzoom,
  layout: { 'line-join': 'round' },
  paint: { 'line-color': color, 'line-width': width },
});

/** A light map of the district: its land, then street (街道), community and grid boundaries. */
function citizenStyle(origin: string): StyleSpecification {
  const src = (layer: string) => ({ type: 'vector' as const, url: `${origin}/tiles/${layer}.json` });
  return {
    version: 8,
    sources: { district: src('district'), street: src('street'), community: src('community'), grid: src('grid') },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': '#e9edf2' } },
      { id: 'district-fill', type: 'fill', source: 'district', 'source-layer': 'district', paint: { 'fill-color': '#fbfcfd' } },
      { id: 'grid-fill', type: 'fill', source: 'grid', 'source-layer': 'grid', paint: { 'fill-color': '#eef4fb', 'fill-outline-color': '#c7d4e4' } },
      LINE('grid-line', 'grid', '#b8c7da', 0.8, 13),
      LINE('community-line', 'community', '#8da3bf', 1.2, 12),
      LINE('street-line', 'street', '#51709a', 2),
      LINE('district-line', 'district', '#0b4a8b', 3),
    ],
  };
}

interface Props {
  start: LonLat | null;
  /** the phone's own position, drawn as a dot */
  me: LonLat | null;
  onDone: (p: LonLat | null) => void;
}

export default function PickMap({ start, me: meNow, onDone }: Props) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // where the map opens, and my dot: as they were when the citizen tapped
  const [initial] = useState(start);
  const [me] = useState(meNow);

  useEffect(() => {
    if (!box.current) return;
    const origin = window.location.origin;
    const map = new maplibregl.Map({
      container: box.current,
      style: citizenStyle(origin),
      center: initial ? [initial.lon, initial.lat] : [0, 0],
      zoom: initial ? 16 : 2,
      maxZoom: 19,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    mapRef.current = map;
    if (!initial) {
      // the whole district, from its tiles' bounds
      void fetch(`${origin}/tiles/district.json`)
        .then((r) => r.json() as Promise<{ bounds?: [number, number, number, number] }>)
        .then((tj) => {
          if (tj.bounds) map.fitBounds(tj.bounds, { padding: 24, duration: 0 });
        })
        .catch(() => undefined);
    }
    if (me) {
      const dot = document.createElement('div');
      dot.className = 'c-me';
      new maplibregl.Marker({ element: dot }).setLngLat([me.lon, me.lat]).addTo(map);
    }
    map.on('error', (e) => {
      if (!map.loaded()) setFailed(e.error?.message ?? 'error');
    });
    (window as unknown as { __GC_CITIZEN_MAP__?: maplibregl.Map }).__GC_CITIZEN_MAP__ = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [initial, me]);

  const use = () => {
    const c = mapRef.current?.getCenter();
    onDone(c ? { lon: Math.round(c.lng * 1e6) / 1e6, lat: Math.round(c.lat * 1e6) / 1e6 } : null);
  };

  return (
    <div className="c-sheet" role="dialog" aria-modal="true" aria-label={t('place.mapTitle')} data-testid="pick-sheet">
      <p className="c-sheet-title">{t('place.mapTitle')}</p>
      <div className="c-pickmap">
        <div ref={box} className="c-pickmap-canvas" data-testid="pick-canvas" />
        <svg className="c-pin" viewBox="0 0 24 36" aria-hidden="true">
          <path d="M12 0C5.4 0 0 5.2 0 11.7 0 20.5 12 36 12 36s12-15.5 12-24.3C24 5.2 18.6 0 12 0z" fill="#d4380d" />
          <circle cx="12" cy="12" r="4.5" fill="#fff" />
        </svg>
        {failed ? <p className="c-status c-bad c-pickmap-err">{t('place.mapFailed', { message: failed })}</p> : null}
      </div>
      <div className="c-row c-sheet-actions">
        <button type="button" className="c-btn c-btn-ghost" onClick={() => onDone(null)}>
          {t('place.mapCancel')}
        </button>
        <button type="button" className="c-btn c-btn-primary" onClick={use} data-testid="pick-use">
          {t('place.mapUse')}
        </button>
      </div>
    </div>
  );
}
