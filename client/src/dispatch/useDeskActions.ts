/**
 * The dispatcher desk's action hooks: a team's steps and status, hotline intake (pick a point, locate it, file
 * the case) and patrol planning (grids picked or lassoed, create and remove zones, coverage).
 */
import { useCallback, useState, type Dispatch, type SetStateAction } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { Case, PatrolZone, Team } from '@gridcommand/shared/schemas';
import { keys } from '../api/keys.ts';
import { createCase, createZone, deleteZone, locate, setTeamStatus, teamStep, useCoverage, useZones } from './api.ts';
import type { IntakeValues } from './IntakeForm.tsx';
import type { RunAction } from './useRunAction.ts';

/** A team's arrival/finish steps and its status, the team marked busy while its request runs. */
export function useTeamActions(run: RunAction, putTeam: (t: Team) => void, setBusyTeams: Dispatch<SetStateAction<ReadonlySet<number>>>) {
  const { t } = useTranslation();
  const markBusy = (id: number, on: boolean) =>
    setBusyTeams((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  const onStep = async (team: Team, step: 'arrived' | 'finished') => {
    markBusy(team.id, true);
    const r = await run(`step:${team.id}`, () => teamStep(team.id, step), (x) =>
      t('dispatch.result.teamStatus', { team: team.name, status: t(`labels.teamStatus.${x.team.status}`) }),
    );
    if (r) putTeam(r.team);
    markBusy(team.id, false);
  };
  const onStatus = async (team: Team, status: 'available' | 'off_duty') => {
    markBusy(team.id, true);
    const r = await run(`status:${team.id}`, () => setTeamStatus(team, status), (x) =>
      t('dispatch.result.teamStatus', { team: team.name, status: t(`labels.teamStatus.${x.status}`) }),
    );
    if (r) putTeam(r);
    markBusy(team.id, false);
  };
  return { onStep, onStatus };
}

export type Located = { gridName: string; gridCode: string; place: string } | 'outside' | 'locating' | null;

/** Hotline intake: the point picked on the map, where it lies, and filing the case there. */
export function useIntake(run: RunAction, onCreated: (c: Case) => void) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [picking, setPicking] = useState(false);
  const [intakePoint, setIntakePoint] = useState<{ lon: number; lat: number } | null>(null);
  const [located, setLocated] = useState<Located>(null);
  const pickPoint = useCallback(async (lon: number, lat: number) => {
    setIntakePoint({ lon, lat });
    setPicking(false);
    setLocated('locating');
    try {
      const r = await locate(lon, lat);
      setLocated({ gridName: r.grid.name, gridCode: r.grid.code, place: `${r.street.name} ${r.community.name}` });
    } catch {
      setLocated('outside');
    }
  }, []);
  const submitIntake = async (v: IntakeValues) => {
    if (!intakePoint) return;
    const body: Record<string, unknown> = {
      categoryCode: v.categoryCode,
      priority: v.priority,
      title: v.title.trim(),
      description: v.description,
      source: 'hotline',
      lon: intakePoint.lon,
      lat: intakePoint.lat,
      ...(v.address.trim() ? { address: v.address.trim() } : {}),
      ...(v.reporterName.trim() ? { reporterName: v.reporterName.trim() } : {}),
      ...(v.reporterPhone.trim() ? { reporterPhone: v.reporterPhone.trim() } : {}),
    };
    const c = await run('intake', () => createCase(body), (x) => t('dispatch.result.created', { case: x.code, grid: x.gridName }));
    if (c) {
      setIntakePoint(null);
      setLocated(null);
      onCreated(c);
      qc.setQueryData(keys.dispatch.case(c.id), c);
    }
  };
  return { picking, setPicking, intakePoint, setIntakePoint, located, setLocated, pickPoint, submitIntake };
}

/** Patrol planning: the grids picked (or lassoed) for a zone, creating and removing zones, the coverage layer. */
export function usePatrolPlanning(run: RunAction, teams: readonly Team[], patrolOpen: boolean) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [patrolSel, setPatrolSel] = useState<string[]>([]);
  const [lassoPolygon, setLassoPolygon] = useState<[number, number][] | null>(null);
  const [showCoverage, setShowCoverage] = useState(false);
  const zonesQ = useZones(true);
  const coverageQ = useCoverage(patrolOpen || showCoverage);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.dispatch.zones() });
    void qc.invalidateQueries({ queryKey: keys.dispatch.coverage() });
  };
  const togglePatrolGrid = (code: string) => setPatrolSel((s) => (s.includes(code) ? s.filter((c) => c !== code) : [...s, code]));
  const createPatrol = async (teamId: number, start: Date, end: Date) => {
    const team = teams.find((x) => x.id === teamId);
    const body: Record<string, unknown> = { teamId, shift: { start: start.toISOString(), end: end.toISOString() }, gridCodes: patrolSel };
    if (lassoPolygon) body.polygon = { type: 'Polygon', coordinates: [[...lassoPolygon, lassoPolygon[0]!]] };
    const z = await run('zone', () => createZone(body), (x) => t('dispatch.result.zoneCreated', { team: team?.name ?? '', n: x.gridCodes.length }));
    if (z) {
      setPatrolSel([]);
      setLassoPolygon(null);
      refresh();
    }
  };
  const removeZone = async (z: PatrolZone) => {
    const ok = await run('zone-del', () => deleteZone(z.id), () => t('dispatch.result.zoneDeleted'));
    if (ok !== null) refresh();
  };
  return { patrolSel, setPatrolSel, lassoPolygon, setLassoPolygon, showCoverage, setShowCoverage, zonesQ, coverageQ, togglePatrolGrid, createPatrol, removeZone };
}
