/**
 * The desk map's deck.gl layers and grid highlights, memoised from what the desk holds: every open case in scope
 * beneath (typed arrays, docs/map-data.md), the desk's own layers above (layers.ts deskLayers), and the patrol
 * selection, the shift's zones and uncovered grids as feature-state on the grid tiles (deskHighlights: no polygons).
 */
import { useMemo, useRef } from 'react';
import type { Case } from '@gridcommand/shared/schemas';
import { buildCaseColumnsLayer } from '../map/layers/live.ts';
import type { LiveCaseMap } from '../wall/case-columns.ts';
import { deskHighlights, deskLayers, type DeskHighlightsInput, type DeskLayersInput } from './layers.ts';

export interface DeskLayerInputs {
  caseMap: LiveCaseMap;
  caseMapVersion: number;
  lasso: DeskLayersInput['lasso'];
  cases: DeskLayersInput['cases'];
  focusCase: Case | null;
  nearest: DeskLayersInput['nearest'];
  teams: DeskLayersInput['teams'];
  teamVersion: number;
  intakePoint: DeskLayersInput['intakePoint'];
  patrols: DeskLayersInput['patrols'] | undefined;
  showCoverage: boolean;
  /** the patrol panel is open: the shift's zones are shown */
  patrolOpen: boolean;
  zones: NonNullable<DeskHighlightsInput['zones']> | undefined;
  patrolSelection: readonly string[];
}

const EMPTY: never[] = [];

export function useDeskLayers(p: DeskLayerInputs) {
  const caseVersionRef = useRef(0);
  const caseVersion = useMemo(() => ++caseVersionRef.current, [p.cases]);
  const { caseMap, caseMapVersion, lasso, cases, focusCase, nearest, teams, teamVersion, intakePoint, patrols } = p;
  const openCaseLayer = useMemo(
    () => buildCaseColumnsLayer({ id: 'desk-open-cases', columns: caseMap.columns, version: caseMapVersion, show: 'all', scale: 0.9 }),
    [caseMap, caseMapVersion],
  );
  const own = useMemo(
    () =>
      deskLayers({
        lasso,
        cases,
        caseVersion,
        focus: focusCase ? { lon: focusCase.lon, lat: focusCase.lat } : null,
        nearest,
        teams,
        teamVersion,
        intakePoint,
        patrols: patrols ?? EMPTY,
      }),
    [patrols, lasso, cases, caseVersion, focusCase, nearest, teams, teamVersion, intakePoint],
  );
  const layers = useMemo(() => [openCaseLayer, ...own], [openCaseLayer, own]);
  const { showCoverage, patrolOpen, zones, patrolSelection } = p;
  const highlights = useMemo(
    () =>
      deskHighlights({
        zones: patrolOpen || showCoverage ? (zones ?? EMPTY) : null,
        patrolSelection,
      }),
    [showCoverage, patrolOpen, zones, patrolSelection],
  );
  // uncovered: every grid without a zone of the shift, while the coverage is shown (no list of them is read)
  return { layers, highlights, showUncovered: showCoverage };
}
