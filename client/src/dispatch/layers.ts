/**
 * Pure layer builders of the dispatcher's map: the lasso, the picked point, patrols, cases and teams (deck.gl), and
 * the grid highlights — patrol selection, zones of the shift — as feature-state on the grid vector tiles (MapView
 * `gridHighlights`, drawn by the style's highlight layers: no grid polygons are downloaded for them); uncovered grids
 * are those without the zone state (MapView `showUncovered`).
 */
import { LineLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { NearestResponse, Patrol, Team } from '@gridcommand/shared/schemas';
import { areaFeatureId } from '@gridcommand/shared/domain';
import { buildCaseLayer, buildEmergencyLayers, buildTeamLayers, type CasePoint } from '../map/layers/live.ts';
import type { GridHighlight } from '../map/style.ts';
import type { Rgba } from '../map/theme.ts';

export interface DeskHighlightsInput {
  /** the zones of the shift (null: not shown) */
  zones: readonly { gridCodes: readonly string[] }[] | null;
  patrolSelection: readonly string[];
}

/** Tile feature ids of the grids each highlight marks (a grid's id is its code as a number: no grid table needed). */
export function deskHighlights(p: DeskHighlightsInput): Record<GridHighlight, number[]> {
  const ids = (codes: Iterable<string>) => [...new Set(codes)].map(areaFeatureId).filter((id): id is number => id !== null);
  return {
    zone: p.zones ? ids(p.zones.flatMap((z) => z.gridCodes)) : [],
    patrol: ids(p.patrolSelection),
  };
}

export function buildLassoLayer(points: readonly [number, number][]): Layer | null {
  if (points.length < 2) return null;
  return new PathLayer<{ path: [number, number][] }>({
    id: 'dispatch-lasso',
    data: [{ path: [...points, points[0]!] }],
    getPath: (d) => d.path,
    getColor: [56, 189, 248, 255],
    getWidth: 2,
    widthUnits: 'pixels',
    parameters: { depthCompare: 'always' },
  });
}

/** A ring around the selected case or the picked intake point. */
export function buildMarkerLayer(id: string, point: { lon: number; lat: number } | null, colour: Rgba): Layer | null {
  if (!point) return null;
  return new ScatterplotLayer<{ lon: number; lat: number }>({
    id,
    data: [point],
    getPosition: (d) => [d.lon, d.lat],
    radiusUnits: 'pixels',
    getRadius: 13,
    stroked: true,
    filled: true,
    getFillColor: [colour[0], colour[1], colour[2], 40],
    getLineColor: colour,
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    parameters: { depthCompare: 'always' },
  });
}

/** Dashed-looking lines from a case to the candidate teams (the first one brighter). */
export function buildCandidateLines(from: { lon: number; lat: number } | null, to: readonly { lon: number; lat: number }[]): Layer | null {
  if (!from || to.length === 0) return null;
  return new LineLayer<{ s: [number, number]; t: [number, number]; first: boolean }>({
    id: 'dispatch-candidates',
    data: to.map((p, i) => ({ s: [from.lon, from.lat], t: [p.lon, p.lat], first: i === 0 })),
    getSourcePosition: (d) => d.s,
    getTargetPosition: (d) => d.t,
    getColor: (d) => (d.first ? [52, 211, 153, 230] : [148, 163, 184, 140]),
    getWidth: (d) => (d.first ? 2.5 : 1.2),
    widthUnits: 'pixels',
    parameters: { depthCompare: 'always' },
  });
}

/** Grid workers on patrol: their tracks and where each is now. */
export function buildPatrolLayers(patrols: readonly Patrol[]): Layer[] {
  if (patrols.length === 0) return [];
  const withTrack = patrols.filter((p) => p.track.length >= 2);
  const now = patrols.filter((p) => p.last !== null);
  return [
    new PathLayer<Patrol>({
      id: 'dispatch-patrol-tracks',
      data: withTrack as Patrol[],
      getPath: (p) => p.track,
      getColor: [167, 139, 250, 220],
      getWidth: 3,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      parameters: { depthCompare: 'always' },
    }),
    new ScatterplotLayer<Patrol>({
      id: 'dispatch-patrol-now',
      data: now as Patrol[],
      getPosition: (p) => [p.last!.lon, p.last!.lat],
      radiusUnits: 'pixels',
      getRadius: 7,
      stroked: true,
      getFillColor: [167, 139, 250, 255],
      getLineColor: [255, 255, 255, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      parameters: { depthCompare: 'always' },
    }),
  ];
}

export interface DeskLayersInput {
  lasso: readonly [number, number][];
  cases: CasePoint[];
  caseVersion: number;
  focus: { lon: number; lat: number } | null;
  nearest: NearestResponse | null;
  teams: readonly Team[];
  teamVersion: number;
  intakePoint: { lon: number; lat: number } | null;
  patrols: readonly Patrol[];
}

/** Every layer of the desk's map, bottom to top. */
export function deskLayers(p: DeskLayersInput): Layer[] {
  const out: (Layer | null)[] = [];
  out.push(buildLassoLayer(p.lasso));
  out.push(...buildPatrolLayers(p.patrols));
  out.push(buildCaseLayer({ data: p.cases, colourVersion: p.caseVersion, show: 'all', scale: 1.3 }));
  out.push(...buildEmergencyLayers(p.cases.filter((c) => c.priority === 'emergency'), 0.35, 1));
  const cands = (p.nearest?.items ?? []).filter((n) => n.team.lon !== null && n.team.lat !== null).map((n) => ({ lon: n.team.lon!, lat: n.team.lat! }));
  out.push(buildCandidateLines(p.focus ?? (p.nearest ? p.nearest.point : null), cands));
  out.push(...buildTeamLayers([...p.teams], p.teamVersion, 1.1, false));
  out.push(buildMarkerLayer('dispatch-focus', p.focus, [250, 204, 21, 255]));
  out.push(buildMarkerLayer('dispatch-pick', p.intakePoint, [56, 189, 248, 255]));
  return out.filter((l): l is Layer => l !== null);
}
