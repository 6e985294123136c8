/**
 * The worker's own map, drawn as SVG from the grids' geometry the phone keeps (GET /api/field/me): no tiles, no
 * fonts, no network, so it shows in a cellar as it does in the street. Grids, their codes, cases as dots in their
 * light's colour, my position with its accuracy, a picked point, the patrol's line. A tap reports where it was.
 */
import { useMemo, useRef, type PointerEvent } from 'react';
import type { FieldMe } from '@gridcommand/shared/schemas';

export interface MapDot {
  id: number | string;
  lon: number;
  lat: number;
  light: string;
}

interface Props {
  grids: FieldMe['grids'];
  bbox: FieldMe['bbox'];
  dots?: readonly MapDot[];
  me?: { lon: number; lat: number; accuracyM?: number | undefined } | null;
  pin?: { lon: number; lat: number } | null;
  line?: readonly [number, number][];
  /** centre the view on this point instead of the whole of my grids */
  focus?: { lon: number; lat: number } | null;
  onPick?: (p: { lon: number; lat: number }) => void;
  height?: number;
  testId?: string;
}

type Ring = [number, number][];

interface GridShape {
  code: string;
  label: string;
  rings: Ring[];
  center: [number, number];
}

const W = 1000;
const M_PER_DEG_LAT = 111_320;

function shapesOf(grids: FieldMe['grids']): GridShape[] {
  const out: GridShape[] = [];
  for (const f of grids.features as { geometry?: { type: string; coordinates: unknown }; properties?: Record<string, unknown> }[]) {
    const g = f.geometry;
    if (!g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates as Ring[]] : g.type === 'MultiPolygon' ? (g.coordinates as Ring[][]) : [];
    const rings = polys.flatMap((p) => p);
    if (rings.length === 0) continue;
    // the centre of the outer ring's box: good enough for a label on a grid cell
    const outer = polys[0]![0]!;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [x, y] of outer) {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
    const p = f.properties ?? {};
    out.push({ code: String(p.code ?? ''), label: String(p.displayCode ?? p.name ?? p.code ?? ''), rings, center: [(x0 + x1) / 2, (y0 + y1) / 2] });
  }
  return out;
}

export function GridMap({ grids, bbox, dots = [], me, pin, line, focus, onPick, height = 260, testId = 'grid-map' }: Props) {
  const shapes = useMemo(() => shapesOf(grids), [grids]);
  const svgRef = useRef<SVGSVGElement | null>(null);

  // the view: my grids (or a box around the focus), widened to the screen's shape, in an equirectangular projection
  // scaled by cos(latitude): true to within a hair at the size of a few grids
  const view = useMemo(() => {
    let [x0, y0, x1, y1] = bbox ?? [0, 0, 0, 0];
    if (focus) {
      const dLat = 250 / M_PER_DEG_LAT;
      const dLon = dLat / Math.cos((focus.lat * Math.PI) / 180);
      [x0, y0, x1, y1] = [focus.lon - dLon, focus.lat - dLat, focus.lon + dLon, focus.lat + dLat];
    } else if (!bbox) {
      const p = me ?? pin ?? { lon: 0, lat: 0 };
      [x0, y0, x1, y1] = [p.lon - 0.005, p.lat - 0.005, p.lon + 0.005, p.lat + 0.005];
    }
    const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
    const H = Math.round((W * height) / 390);
    const spanX = Math.max((x1 - x0) * k, 1e-6);
    const spanY = Math.max(y1 - y0, 1e-6);
    const scale = Math.min(W / spanX, H / spanY) * 0.9;
    const cx = ((x0 + x1) / 2) * k;
    const cy = (y0 + y1) / 2;
    const project = (lon: number, lat: number): [number, number] => [W / 2 + (lon * k - cx) * scale, H / 2 - (lat - cy) * scale];
    const unproject = (x: number, y: number) => ({ lon: ((x - W / 2) / scale + cx) / k, lat: cy - (y - H / 2) / scale });
    const metres = (m: number) => (m / M_PER_DEG_LAT) * scale;
    return { H, project, unproject, metres };
  }, [bbox, focus, height, me, pin]);

  const path = (ring: Ring) => ring.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${view.project(x, y).map((v) => v.toFixed(1)).join(',')}`).join('') + 'Z';

  const onPointer = (e: PointerEvent<SVGSVGElement>) => {
    if (!onPick || !svgRef.current) return;
    const ctm = svgRef.current.getScreenCTM();
    if (!ctm) return;
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    const p = view.unproject(pt.x, pt.y);
    onPick({ lon: Math.round(p.lon * 1e6) / 1e6, lat: Math.round(p.lat * 1e6) / 1e6 });
  };

  const meXY = me ? view.project(me.lon, me.lat) : null;
  const pinXY = pin ? view.project(pin.lon, pin.lat) : null;
  return (
    <svg
      ref={svgRef}
      className={`f-map ${onPick ? 'f-map-pick' : ''}`}
      viewBox={`0 0 ${W} ${view.H}`}
      style={{ height }}
      role="img"
      data-testid={testId}
      data-grids={shapes.length}
      onPointerUp={onPointer}
    >
      <defs>
        <pattern id="f-map-grid" width="40" height="40" patternUnits="userSpaceOnUse">
          <path d="M40 0H0V40" fill="none" stroke="#dfe5ee" strokeWidth="2" />
        </pattern>
      </defs>
      <rect width={W} height={view.H} fill="url(#f-map-grid)" />
      {shapes.map((s) => (
        <path key={s.code} d={s.rings.map(path).join('')} className="f-map-grid" fillRule="evenodd" data-code={s.code} />
      ))}
      {shapes.map((s) => {
        const [x, y] = view.project(s.center[0], s.center[1]);
        return (
          <text key={`l${s.code}`} x={x} y={y} className="f-map-label" textAnchor="middle" dominantBaseline="middle">
            {s.label}
          </text>
        );
      })}
      {line && line.length > 1 ? (
        <polyline points={line.map(([x, y]) => view.project(x, y).map((v) => v.toFixed(1)).join(',')).join(' ')} className="f-map-line" />
      ) : null}
      {dots.map((d) => {
        const [x, y] = view.project(d.lon, d.lat);
        return <circle key={d.id} cx={x} cy={y} r={13} className={`f-map-dot f-light-${d.light}`} />;
      })}
      {meXY ? (
        <g data-testid="map-me">
          {me?.accuracyM ? <circle cx={meXY[0]} cy={meXY[1]} r={Math.min(view.metres(me.accuracyM), 2000)} className="f-map-acc" /> : null}
          <circle cx={meXY[0]} cy={meXY[1]} r={15} className="f-map-me" />
        </g>
      ) : null}
      {pinXY ? (
        <g transform={`translate(${pinXY[0]},${pinXY[1]})`} data-testid="map-pin">
          <path d="M0 0 C-10 -22 -26 -30 -26 -48 A26 26 0 1 1 26 -48 C26 -30 10 -22 0 0Z" className="f-map-pin" />
          <circle cx={0} cy={-48} r={9} fill="#fff" />
        </g>
      ) : null}
    </svg>
  );
}
