/**
 * Several teams converging on an emergency, drawn on the wall: a line from each en-route team to its case
 * (shared convergingTeams), the lead's line stronger and brighter than its supporting teams'. Pure builder with a
 * stable id; the lines follow the team version (positions, statuses) through updateTriggers.
 */
import { LineLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { convergingTeams, type BoardState, type ConvergingTeam } from '@gridcommand/shared/domain';

const LEAD_RGBA: [number, number, number, number] = [56, 189, 248, 235];
const SUPPORT_RGBA: [number, number, number, number] = [125, 211, 252, 150];

export function convergenceLines(state: Pick<BoardState, 'cases' | 'teams'>): ConvergingTeam[] {
  return convergingTeams(state);
}

export function buildConvergenceLayer(lines: ConvergingTeam[], version: number, scale: number): Layer {
  return new LineLayer<ConvergingTeam>({
    id: 'wall-team-convergence',
    data: lines,
    pickable: false,
    getSourcePosition: (d) => d.from,
    getTargetPosition: (d) => d.to,
    getColor: (d) => (d.lead ? LEAD_RGBA : SUPPORT_RGBA),
    getWidth: (d) => (d.lead ? 4 : 2),
    widthUnits: 'pixels',
    widthScale: scale,
    updateTriggers: { getSourcePosition: version, getTargetPosition: version, getColor: version, getWidth: version },
    parameters: { depthCompare: 'always' },
  });
}
