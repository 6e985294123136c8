/**
 * The dispatcher's desk (/dispatch): map + queues + team board, a grid or case panel with the nearest teams and
 * one-click assignment, hotline intake, patrol zones with coverage, keyboard shortcuts and live updates.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BrandMark } from '../panels/BrandMark.tsx';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import * as turf from '@turf/turf';
import { lightRank, OPEN_STATES, type CaseState } from '@gridcommand/shared/domain';
import type { Case, CaseListResponse, PatrolZone, Team, TeamListResponse } from '@gridcommand/shared/schemas';
import { ApiError, apiFetch } from '../api/http.ts';
import { useLive, type LiveEvent } from '../api/live.ts';
import { useArea, useAreas, useGrids } from '../api/queries.ts';
import type { GridProperties } from '../api/types.ts';
import { MapView, type MapLabels } from '../map/MapView.tsx';
import { LAYER_IDS } from '../map/style.ts';
import { areaLabels, gridLabels } from '../map/layers/labels.ts';
import { buildCaseLayer, buildEmergencyLayers, buildTeamLayers } from '../map/layers/live.ts';
import { isValidBBox } from '../map/bounds.ts';
import { navigate } from '../router.tsx';
import { LANGUAGES, setLanguage } from '../i18n/index.ts';
import { useToasts } from '../panels/Toasts.tsx';
import { DISTRICT_CODE } from './MapPage.tsx';
import {
  assignTeam,
  caseAction,
  createCase,
  createZone,
  deleteZone,
  dispatchKeys,
  locate,
  setTeamStatus,
  teamStep,
  useCase,
  useCategories,
  useCoverage,
  useGridCases,
  useMe,
  useNearest,
  useQueue,
  useRoster,
  useTeams,
  useZones,
} from '../dispatch/api.ts';
import { caseClock } from '../dispatch/clock.ts';
import { Queues, type QueueSection } from '../dispatch/Queues.tsx';
import { TeamBoard } from '../dispatch/TeamBoard.tsx';
import { DetailPanel } from '../dispatch/DetailPanel.tsx';
import { IntakeForm, type IntakeValues } from '../dispatch/IntakeForm.tsx';
import { PatrolPanel } from '../dispatch/PatrolPanel.tsx';
import { HelpOverlay } from '../dispatch/HelpOverlay.tsx';
import { buildCandidateLines, buildGridSetLayer, buildLassoLayer, buildMarkerLayer, type GridShape } from '../dispatch/layers.ts';
import { exposeDispatchHooks } from '../dispatch/testHooks.ts';
import '../dispatch/i18n.ts';
import '../dispatch/dispatch.css';

type Selection = { kind: 'grid'; code: string } | { kind: 'case'; id: number; gridCode: string } | null;
type Side = 'detail' | 'intake' | 'patrol';

const EMPTY: never[] = [];
const OPEN = new Set<string>(OPEN_STATES as readonly CaseState[]);
const PRIORITY_RANK: Record<string, number> = { emergency: 0, urgent: 1, normal: 2 };
const LIVE_TYPES = ['case.*', 'team.*', 'dispatch.*', 'patrol_zone.*', 'supervision.*'];

/** Most pressing first: emergencies, then worst light, then the oldest. */
function byUrgency(now: Date) {
  return (a: Case, b: Case) =>
    (PRIORITY_RANK[a.priority] ?? 3) - (PRIORITY_RANK[b.priority] ?? 3) ||
    lightRank(caseClock(b, now).light) - lightRank(caseClock(a, now).light) ||
    a.reportedAt.localeCompare(b.reportedAt);
}

export function DispatchPage() {
  const { t } = useTranslation();
  const me = useMe();
  const unauth = me.error instanceof ApiError && me.error.statusCode === 401;
  useEffect(() => {
    if (unauth) navigate(`/login?next=${encodeURIComponent('/dispatch')}`, true);
  }, [unauth]);
  if (me.isLoading || unauth) return <div className="dispatch-loading">{t('app.loadingMap')}</div>;
  if (!me.data) return <div className="dispatch-loading">{me.error instanceof Error ? me.error.message : ''}</div>;
  if (me.data.user.role !== 'dispatcher' && me.data.user.role !== 'admin') {
    return (
      <div className="dispatch-loading">
        <p>{t('dispatch.wrongRole')}</p>
        <button type="button" className="btn btn--primary" onClick={() => void logout()}>
          {t('dispatch.logout')}
        </button>
      </div>
    );
  }
  return <Desk user={me.data.user} />;
}

async function logout(): Promise<void> {
  await apiFetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
  window.location.assign(`/login?next=${encodeURIComponent('/dispatch')}`);
}

function Desk({ user }: { user: { displayName: string; role: string } }) {
  const { t, i18n } = useTranslation();
  const toasts = useToasts();
  const qc = useQueryClient();

  // ── reference data (shared with the map page's cache) ──
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const zonesA = useAreas('zone');
  const communities = useAreas('community');
  const grids = useGrids();
  const categories = useCategories();

  const gridProps = useMemo<GridProperties[]>(
    () => (grids.data?.features ?? EMPTY).map((f) => f.properties).filter((p): p is GridProperties => p != null),
    [grids.data],
  );
  const gridByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p])), [gridProps]);
  const gridIdByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p.id])), [gridProps]);
  const shapeByCode = useMemo(
    () => new Map((grids.data?.features ?? EMPTY).map((f) => [f.properties.code, f as unknown as GridShape])),
    [grids.data],
  );
  const labels = useMemo<MapLabels>(
    () => ({
      streets: areaLabels(streets.data?.items ?? EMPTY),
      zones: areaLabels(zonesA.data?.items ?? EMPTY),
      communities: areaLabels(communities.data?.items ?? EMPTY),
      grids: gridLabels(gridProps),
    }),
    [streets.data, zonesA.data, communities.data, gridProps],
  );

  // ── live data ──
  const teamsQ = useTeams(true);
  const teams = teamsQ.data?.items ?? EMPTY;
  const qEmergency = useQueue('emergency', true);
  const qReported = useQueue('reported', true);
  const qFiled = useQueue('filed', true);
  const qRed = useQueue('red', true);
  const qYellow = useQueue('yellow', true);
  const qSupervised = useQueue('supervised', true);

  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = window.setInterval(() => setNow(new Date()), 15_000);
    return () => window.clearInterval(id);
  }, []);

  // ── selection and side panel ──
  const [sel, setSel] = useState<Selection>(null);
  const [side, setSide] = useState<Side>('detail');
  const [busy, setBusy] = useState(false);
  const [busyTeams, setBusyTeams] = useState<ReadonlySet<number>>(new Set());
  const [help, setHelp] = useState(false);
  const [selectedTeamId, setSelectedTeamId] = useState<number | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const selGridCode = sel?.kind === 'grid' ? sel.code : sel?.kind === 'case' ? sel.gridCode : null;
  const caseQ = useCase(sel?.kind === 'case' ? sel.id : null);
  const gridCasesQ = useGridCases(selGridCode);
  const rosterQ = useRoster(selGridCode);
  const gridOpenCases = useMemo(
    () => (gridCasesQ.data?.items ?? EMPTY).filter((c) => OPEN.has(c.status)).sort(byUrgency(now)),
    [gridCasesQ.data, now],
  );
  const focusCase: Case | null =
    sel?.kind === 'case' ? (caseQ.data ?? null) : (gridOpenCases.find((c) => c.status === 'reported' || c.status === 'filed') ?? null);
  const gridPoint = selGridCode ? gridByCode.get(selGridCode)?.labelPoint : undefined;
  const nearestTarget = focusCase ? { caseId: focusCase.id } : gridPoint ? { lon: gridPoint[0], lat: gridPoint[1] } : null;
  const nearestQ = useNearest(sel ? nearestTarget : null);

  // ── queues ──
  const sections = useMemo<QueueSection[]>(() => {
    const open = (r: { data?: CaseListResponse }) => (r.data?.items ?? EMPTY).filter((c) => OPEN.has(c.status));
    const overdue = [...open(qRed), ...open(qYellow)].sort(byUrgency(now));
    return [
      { key: 'emergency', title: t('dispatch.queues.emergency'), items: open(qEmergency).sort(byUrgency(now)), tone: 'danger' },
      { key: 'reported', title: t('dispatch.queues.reported'), items: open(qReported).sort(byUrgency(now)) },
      { key: 'filed', title: t('dispatch.queues.filed'), items: open(qFiled).sort(byUrgency(now)) },
      { key: 'overdue', title: t('dispatch.queues.overdue'), items: overdue, tone: 'warn' },
      { key: 'supervised', title: t('dispatch.queues.supervised'), items: open(qSupervised).sort(byUrgency(now)) },
    ];
  }, [qEmergency.data, qReported.data, qFiled.data, qRed.data, qYellow.data, qSupervised.data, now, t]);

  const mapCases = useMemo(() => {
    const m = new Map<number, Case>();
    for (const s of sections) for (const c of s.items) m.set(c.id, c);
    for (const c of gridOpenCases) m.set(c.id, c);
    return [...m.values()].map((c) => ({ id: c.id, lon: c.lon, lat: c.lat, light: caseClock(c, now).light, priority: c.priority, gridCode: c.gridCode }));
  }, [sections, gridOpenCases, now]);

  // ── refresh after changes (debounced), live updates of teams in place ──
  const refreshTimer = useRef<number | null>(null);
  const refreshCases = useCallback(() => {
    if (refreshTimer.current !== null) return;
    refreshTimer.current = window.setTimeout(() => {
      refreshTimer.current = null;
      void qc.invalidateQueries({ queryKey: ['dispatch', 'queue'] });
      void qc.invalidateQueries({ queryKey: ['dispatch', 'grid-cases'] });
      void qc.invalidateQueries({ queryKey: ['dispatch', 'case'] });
      void qc.invalidateQueries({ queryKey: ['dispatch', 'nearest'] });
    }, 300);
  }, [qc]);

  const teamPatches = useRef(new Map<number, Partial<Team>>());
  const teamTimer = useRef<number | null>(null);
  const patchTeam = useCallback(
    (id: number, patch: Partial<Team>) => {
      teamPatches.current.set(id, { ...teamPatches.current.get(id), ...patch });
      if (teamTimer.current !== null) return;
      teamTimer.current = window.setTimeout(() => {
        teamTimer.current = null;
        const patches = teamPatches.current;
        teamPatches.current = new Map();
        qc.setQueryData<TeamListResponse>(dispatchKeys.teams, (old) =>
          old ? { items: old.items.map((tm) => (patches.has(tm.id) ? { ...tm, ...patches.get(tm.id) } : tm)) } : old,
        );
      }, 250);
    },
    [qc],
  );

  const onLive = useCallback(
    (e: LiveEvent) => {
      const p = e.payload;
      if (e.type === 'team.position' && e.teamId !== null && e.lon !== null && e.lat !== null) {
        patchTeam(e.teamId, { lon: e.lon, lat: e.lat, positionAt: typeof p.at === 'string' ? p.at : e.at });
      } else if (e.type === 'team.positions' && Array.isArray(p.items)) {
        for (const it of p.items as { teamId: number; lon: number; lat: number; at: string }[]) {
          patchTeam(it.teamId, { lon: it.lon, lat: it.lat, positionAt: it.at });
        }
      } else if (e.type === 'team.status' && e.teamId !== null && typeof p.status === 'string') {
        const status = p.status as Team['status'];
        const caseId = typeof p.caseId === 'number' && (status === 'en_route' || status === 'on_scene') ? p.caseId : null;
        patchTeam(e.teamId, { status, currentCaseId: caseId, ...(typeof p.version === 'number' ? { version: p.version } : {}) });
        void qc.invalidateQueries({ queryKey: ['dispatch', 'nearest'] });
      } else if (e.type.startsWith('case.') || e.type.startsWith('dispatch.') || e.type.startsWith('supervision.')) {
        refreshCases();
      } else if (e.type.startsWith('patrol_zone.')) {
        void qc.invalidateQueries({ queryKey: dispatchKeys.zones });
        void qc.invalidateQueries({ queryKey: dispatchKeys.coverage });
      }
    },
    [patchTeam, qc, refreshCases],
  );
  const live = useLive(onLive, { types: LIVE_TYPES });
  // a reconnect may have missed nothing (the stream replays), but the team list is a snapshot: refresh it
  const wasConnected = useRef(false);
  useEffect(() => {
    if (live.connected && !wasConnected.current && teamsQ.dataUpdatedAt > 0) void qc.invalidateQueries({ queryKey: dispatchKeys.teams });
    wasConnected.current = live.connected;
  }, [live.connected, qc, teamsQ.dataUpdatedAt]);

  // ── running an action: result or a message that says what to do ──
  const describe = useCallback(
    (err: unknown): string => {
      if (err instanceof ApiError) {
        if (err.code === 'TEAM_BUSY') return t('dispatch.errors.teamBusy');
        if (err.code === 'VERSION_CONFLICT' || err.code === 'CONCURRENT_CHANGE') return t('dispatch.errors.versionConflict');
        if (err.code === 'ILLEGAL_TRANSITION' || err.code === 'NO_OPEN_DISPATCH') return t('dispatch.errors.illegal');
        if (err.statusCode === 403) return t('dispatch.errors.forbidden');
        if (err.statusCode === 401) return t('dispatch.errors.login');
        if (err.isNetwork) return t('dispatch.errors.network');
      }
      return t('dispatch.errors.generic');
    },
    [t],
  );
  const run = useCallback(
    async <T,>(key: string, fn: () => Promise<T>, ok: (r: T) => string): Promise<T | null> => {
      setBusy(true);
      try {
        const r = await fn();
        toasts.push({ kind: 'info', title: ok(r), message: '', key: `${key}:${Date.now()}` });
        return r;
      } catch (err) {
        toasts.push({ kind: 'error', title: describe(err), message: err instanceof Error ? err.message : String(err), key: `${key}:err:${Date.now()}` });
        if (err instanceof ApiError && err.statusCode === 401) navigate(`/login?next=${encodeURIComponent('/dispatch')}`);
        void qc.invalidateQueries({ queryKey: dispatchKeys.teams });
        return null;
      } finally {
        setBusy(false);
        refreshCases();
      }
    },
    [toasts, describe, qc, refreshCases],
  );

  const assign = useCallback(
    async (team: Team) => {
      if (!focusCase) return;
      const r = await run('assign', () => assignTeam(focusCase, team), () => t('dispatch.result.assigned', { team: team.name, case: focusCase.code }));
      if (r) {
        patchTeam(r.team.id, r.team);
        if (r.case) qc.setQueryData(dispatchKeys.case(r.case.id), r.case);
        if (sel?.kind === 'grid' && r.case) setSel({ kind: 'case', id: r.case.id, gridCode: r.case.gridCode });
      }
    },
    [focusCase, run, t, patchTeam, qc, sel],
  );

  const act = useCallback(
    async (action: string, extra: Record<string, unknown> = {}) => {
      if (!focusCase) return;
      const r = await run(`act:${action}`, () => caseAction(focusCase, action, extra), (c) =>
        t('dispatch.result.acted', { action: t(`dispatch.actions.${action}`), case: c.code }),
      );
      if (r) qc.setQueryData(dispatchKeys.case(r.id), r);
    },
    [focusCase, run, t, qc],
  );

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
      t('dispatch.result.teamStatus', { team: team.name, status: t(`dispatch.teams.${x.team.status}`) }),
    );
    if (r) patchTeam(r.team.id, r.team);
    markBusy(team.id, false);
  };
  const onStatus = async (team: Team, status: 'available' | 'off_duty') => {
    markBusy(team.id, true);
    const r = await run(`status:${team.id}`, () => setTeamStatus(team, status), (x) =>
      t('dispatch.result.teamStatus', { team: team.name, status: t(`dispatch.teams.${x.status}`) }),
    );
    if (r) patchTeam(r.id, r);
    markBusy(team.id, false);
  };

  // ── hotline intake ──
  const [picking, setPicking] = useState(false);
  const [intakePoint, setIntakePoint] = useState<{ lon: number; lat: number } | null>(null);
  const [located, setLocated] = useState<{ gridName: string; gridCode: string; place: string } | 'outside' | 'locating' | null>(null);
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
      setSide('detail');
      setSel({ kind: 'case', id: c.id, gridCode: c.gridCode });
      qc.setQueryData(dispatchKeys.case(c.id), c);
    }
  };

  // ── patrol zones ──
  const [patrolSel, setPatrolSel] = useState<string[]>([]);
  const [lassoActive, setLassoActive] = useState(false);
  const [lassoPts, setLassoPts] = useState<[number, number][]>([]);
  const [lassoPolygon, setLassoPolygon] = useState<[number, number][] | null>(null);
  const [showCoverage, setShowCoverage] = useState(false);
  const zonesQ = useZones(true);
  const coverageQ = useCoverage(side === 'patrol' || showCoverage);
  const togglePatrolGrid = (code: string) => setPatrolSel((s) => (s.includes(code) ? s.filter((c) => c !== code) : [...s, code]));
  const createPatrol = async (teamId: number, start: Date, end: Date) => {
    const team = teams.find((x) => x.id === teamId);
    const body: Record<string, unknown> = { teamId, shift: { start: start.toISOString(), end: end.toISOString() }, gridCodes: patrolSel };
    if (lassoPolygon) body.polygon = { type: 'Polygon', coordinates: [[...lassoPolygon, lassoPolygon[0]!]] };
    const z = await run('zone', () => createZone(body), (x) => t('dispatch.result.zoneCreated', { team: team?.name ?? '', n: x.gridCodes.length }));
    if (z) {
      setPatrolSel([]);
      setLassoPolygon(null);
      void qc.invalidateQueries({ queryKey: dispatchKeys.zones });
      void qc.invalidateQueries({ queryKey: dispatchKeys.coverage });
    }
  };
  const removeZone = async (z: PatrolZone) => {
    const ok = await run('zone-del', () => deleteZone(z.id), () => t('dispatch.result.zoneDeleted'));
    if (ok !== null) {
      void qc.invalidateQueries({ queryKey: dispatchKeys.zones });
      void qc.invalidateQueries({ queryKey: dispatchKeys.coverage });
    }
  };

  // ── the map: clicks, shift-clicks, picking and the lasso ──
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const clickRef = useRef<(e: MapMouseEvent) => void>(() => undefined);
  clickRef.current = (e: MapMouseEvent) => {
    if (!map) return;
    if (lassoActive) return;
    const { lng, lat } = e.lngLat;
    if (picking) {
      void pickPoint(lng, lat);
      return;
    }
    const hit = map.getLayer(LAYER_IDS.gridFill) ? map.queryRenderedFeatures(e.point, { layers: [LAYER_IDS.gridFill] })[0] : undefined;
    const code = hit?.properties?.code !== undefined ? String(hit.properties.code) : null;
    if (e.originalEvent.shiftKey && code) {
      togglePatrolGrid(code);
      setSide('patrol');
      return;
    }
    // a case point within a few pixels wins over the grid under it
    let best: { id: number; gridCode: string; d: number } | null = null;
    for (const c of mapCases) {
      const pt = map.project([c.lon, c.lat]);
      const d = Math.hypot(pt.x - e.point.x, pt.y - e.point.y);
      if (d < 9 && (!best || d < best.d)) best = { id: c.id, gridCode: c.gridCode, d };
    }
    if (best) {
      setSel({ kind: 'case', id: best.id, gridCode: best.gridCode });
      setSide('detail');
    } else if (code) {
      setSel({ kind: 'grid', code });
      setSide('detail');
    } else setSel(null);
  };
  const lassoRef = useRef({ active: false, drawing: false, pts: [] as [number, number][] });
  lassoRef.current.active = lassoActive;
  const finishLasso = useCallback(
    (pts: [number, number][]) => {
      setLassoActive(false);
      setLassoPts([]);
      if (pts.length < 3) return;
      const ring = [...pts, pts[0]!];
      const poly = turf.polygon([ring]);
      const inside = gridProps.filter((g) => turf.booleanPointInPolygon(turf.point(g.labelPoint), poly)).map((g) => g.code);
      setPatrolSel((s) => [...new Set([...s, ...inside])]);
      // a freehand ring that crosses itself is not a valid polygon: keep only the grids it picked
      setLassoPolygon(turf.kinks(poly).features.length === 0 ? pts : null);
    },
    [gridProps],
  );
  const finishLassoRef = useRef(finishLasso);
  finishLassoRef.current = finishLasso;
  useEffect(() => {
    if (!map) return;
    if (lassoActive) map.dragPan.disable();
    else map.dragPan.enable();
    map.getCanvas().style.cursor = lassoActive || picking ? 'crosshair' : '';
  }, [map, lassoActive, picking]);
  const onMapLoad = useCallback((m: MapLibreMap | null) => {
    setMap(m);
    if (!m) return;
    // shift-click selects grids for a patrol zone here (instead of MapLibre's shift-drag box zoom)
    m.boxZoom.disable();
    m.on('click', (e) => clickRef.current(e));
    m.on('mousedown', (e) => {
      if (!lassoRef.current.active) return;
      lassoRef.current.drawing = true;
      lassoRef.current.pts = [[e.lngLat.lng, e.lngLat.lat]];
    });
    m.on('mousemove', (e) => {
      const l = lassoRef.current;
      if (!l.drawing) return;
      const last = l.pts[l.pts.length - 1]!;
      const a = m.project(last);
      if (Math.hypot(a.x - e.point.x, a.y - e.point.y) < 5) return;
      l.pts = [...l.pts, [e.lngLat.lng, e.lngLat.lat]];
      setLassoPts(l.pts);
    });
    m.on('mouseup', () => {
      const l = lassoRef.current;
      if (!l.drawing) return;
      l.drawing = false;
      finishLassoRef.current(l.pts);
    });
  }, []);

  // ── layers ──
  const teamVersion = teamsQ.dataUpdatedAt;
  const caseVersionRef = useRef(0);
  const caseVersion = useMemo(() => ++caseVersionRef.current, [mapCases]);
  const layers = useMemo<Layer[]>(() => {
    const out: (Layer | null)[] = [];
    const shapes = (codes: Iterable<string>) => [...codes].map((c) => shapeByCode.get(c)).filter((s): s is GridShape => s !== undefined);
    if (showCoverage && coverageQ.data) {
      out.push(buildGridSetLayer({ id: 'dispatch-uncovered', grids: shapes(coverageQ.data.uncovered.map((g) => g.code)), fill: [239, 68, 68, 60], line: [248, 113, 113, 160], lineWidth: 1 }));
    }
    if (side === 'patrol' || showCoverage) {
      out.push(buildGridSetLayer({ id: 'dispatch-zones', grids: shapes(new Set((zonesQ.data?.items ?? EMPTY).flatMap((z) => z.gridCodes))), fill: [45, 212, 191, 45], line: [45, 212, 191, 200], lineWidth: 1.2 }));
    }
    if (patrolSel.length) out.push(buildGridSetLayer({ id: 'dispatch-patrol-selection', grids: shapes(patrolSel), fill: [56, 189, 248, 90], line: [125, 211, 252, 255], lineWidth: 2 }));
    out.push(buildLassoLayer(lassoPts));
    out.push(buildCaseLayer({ data: mapCases, colourVersion: caseVersion, show: 'all', scale: 1.3 }));
    out.push(...buildEmergencyLayers(mapCases.filter((c) => c.priority === 'emergency'), 0.35, 1));
    const focusPt = focusCase ? { lon: focusCase.lon, lat: focusCase.lat } : null;
    const cands = (nearestQ.data?.items ?? EMPTY).filter((n) => n.team.lon !== null && n.team.lat !== null).map((n) => ({ lon: n.team.lon!, lat: n.team.lat! }));
    out.push(buildCandidateLines(focusPt ?? (nearestQ.data ? nearestQ.data.point : null), cands));
    out.push(...buildTeamLayers(teams as Team[], teamVersion, 1.1, false));
    out.push(buildMarkerLayer('dispatch-focus', focusPt, [250, 204, 21, 255]));
    out.push(buildMarkerLayer('dispatch-pick', intakePoint, [56, 189, 248, 255]));
    return out.filter((l): l is Layer => l !== null);
  }, [showCoverage, coverageQ.data, side, zonesQ.data, patrolSel, lassoPts, mapCases, caseVersion, focusCase, nearestQ.data, teams, teamVersion, intakePoint, shapeByCode]);

  const onMapError = useCallback(
    (key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }),
    [toasts, t],
  );

  // ── keyboard ──
  const allQueueCases = useMemo(() => sections.flatMap((s) => s.items), [sections]);
  const keyRef = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keyRef.current = (e: KeyboardEvent) => {
    const el = e.target as HTMLElement | null;
    const tag = el?.tagName;
    const typing =
      el?.isContentEditable === true ||
      tag === 'TEXTAREA' ||
      tag === 'SELECT' ||
      (tag === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type));
    if (e.key === 'Escape') {
      if (help) setHelp(false);
      else if (picking) setPicking(false);
      else if (lassoActive) setLassoActive(false);
      else if (side !== 'detail') setSide('detail');
      else setSel(null);
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') setHelp((h) => !h);
    else if (e.key === 'n') {
      setSide('intake');
      setPicking(true);
    } else if (e.key === 'p') setSide('patrol');
    else if (e.key === '/') {
      e.preventDefault();
      searchRef.current?.focus();
    } else if (e.key === 'f' && focusCase?.allowedActions.includes('file')) void act('file');
    else if (e.key === 'd' && focusCase && nearestQ.data?.items[0]) void assign(nearestQ.data.items[0].team);
    else if (e.key === 'j' && allQueueCases.length) {
      const idx = sel?.kind === 'case' ? allQueueCases.findIndex((c) => c.id === sel.id) : -1;
      const next = allQueueCases[(idx + 1) % allQueueCases.length]!;
      setSel({ kind: 'case', id: next.id, gridCode: next.gridCode });
      setSide('detail');
      map?.easeTo({ center: [next.lon, next.lat], zoom: Math.max(map.getZoom(), 13), duration: 400 });
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keyRef.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  // ── test hooks ──
  const [mapReady, setMapReady] = useState(false);
  useEffect(() => {
    exposeDispatchHooks({
      ready: () => mapReady && teamsQ.isSuccess && qReported.isSuccess,
      liveConnected: () => live.connected,
      teamStatus: (code) => qc.getQueryData<TeamListResponse>(dispatchKeys.teams)?.items.find((x) => x.code === code)?.status ?? null,
      selectGrid: (code) => {
        setSel({ kind: 'grid', code });
        setSide('detail');
      },
      selectCase: (id, gridCode) => {
        setSel({ kind: 'case', id, gridCode });
        setSide('detail');
      },
    });
  }, [mapReady, teamsQ.isSuccess, qReported.isSuccess, live.connected, qc]);

  const selectCase = (c: Case) => {
    setSel({ kind: 'case', id: c.id, gridCode: c.gridCode });
    setSide('detail');
    if (map) map.easeTo({ center: [c.lon, c.lat], zoom: Math.max(map.getZoom(), 13), duration: 400 });
  };

  const counts = {
    reported: sections.find((s) => s.key === 'reported')?.items.length ?? 0,
    filed: sections.find((s) => s.key === 'filed')?.items.length ?? 0,
    overdue: sections.find((s) => s.key === 'overdue')?.items.length ?? 0,
    emergency: sections.find((s) => s.key === 'emergency')?.items.length ?? 0,
    available: teams.filter((x) => x.status === 'available').length,
  };
  const districtBBox = district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;

  return (
    <div className="gcd dispatch" data-testid="dispatch">
      <header className="dtop">
        <div className="brand">
          <BrandMark />
          <div className="brand__text">
            <span className="brand__name">{t('app.productLocal')}</span>
            <span className="brand__local">{t('dispatch.title')}</span>
          </div>
        </div>
        <span className={`livedot${live.connected ? ' is-on' : ''}`} title={live.connected ? t('dispatch.live') : t('dispatch.offline')} data-testid="live-dot">
          <i />
          {live.connected ? t('dispatch.live') : t('dispatch.offline')}
        </span>
        <div className="dtop__spacer" />
        <dl className="dstats">
          <div className={counts.emergency ? 'is-danger' : ''}>
            <dt>{t('dispatch.queues.emergency')}</dt>
            <dd>{counts.emergency}</dd>
          </div>
          <div>
            <dt>{t('dispatch.queues.reported')}</dt>
            <dd>{counts.reported}</dd>
          </div>
          <div>
            <dt>{t('dispatch.queues.filed')}</dt>
            <dd>{counts.filed}</dd>
          </div>
          <div className={counts.overdue ? 'is-warn' : ''}>
            <dt>{t('dispatch.queues.overdue')}</dt>
            <dd>{counts.overdue}</dd>
          </div>
          <div className="is-ok">
            <dt>{t('dispatch.teams.available')}</dt>
            <dd data-testid="stat-available">{counts.available}</dd>
          </div>
        </dl>
        <div className="dtop__buttons">
          <button type="button" className={`btn btn--sm${side === 'intake' ? ' btn--primary' : ''}`} onClick={() => { setSide('intake'); setPicking(true); }} data-testid="open-intake">
            ☎ {t('dispatch.intake.title')} <kbd>n</kbd>
          </button>
          <button type="button" className={`btn btn--sm${side === 'patrol' ? ' btn--primary' : ''}`} onClick={() => setSide(side === 'patrol' ? 'detail' : 'patrol')} data-testid="open-patrol">
            ⬡ {t('dispatch.patrol.title')} <kbd>p</kbd>
          </button>
          <button type="button" className="btn btn--sm btn--ghost" onClick={() => setHelp(true)} title={t('dispatch.help.title')}>
            <kbd>?</kbd>
          </button>
        </div>
        <div className="dtop__user">
          <span>{user.displayName}</span>
          <button type="button" className="linklike" onClick={() => void logout()}>
            {t('dispatch.logout')}
          </button>
        </div>
        <div className="lang" role="group" aria-label={t('app.language')}>
          {LANGUAGES.map((lng) => (
            <button key={lng} type="button" className={`lang__btn${lng === i18n.language ? ' is-active' : ''}`} onClick={() => setLanguage(lng)}>
              {t(`lang.${lng}`)}
            </button>
          ))}
        </div>
      </header>

      <aside className="dleft">
        <Queues sections={sections} now={now} selectedCaseId={sel?.kind === 'case' ? sel.id : null} onSelect={selectCase} />
        <TeamBoard
          ref={searchRef}
          teams={teams}
          now={now.getTime()}
          selectedTeamId={selectedTeamId}
          busyTeamIds={busyTeams}
          onSelect={(team) => {
            setSelectedTeamId(team.id);
            if (map && team.lon !== null && team.lat !== null) map.easeTo({ center: [team.lon, team.lat], zoom: Math.max(map.getZoom(), 13), duration: 400 });
          }}
          onStep={(team, step) => void onStep(team, step)}
          onStatus={(team, status) => void onStatus(team, status)}
        />
      </aside>

      <main className="dmap">
        <MapView
          fitBBox={districtBBox}
          fitFallback={district.isError}
          labels={labels}
          vacantGridIds={EMPTY}
          gridIdByCode={gridIdByCode}
          selectedGridCode={selGridCode}
          onSelectGrid={() => undefined}
          onMapError={onMapError}
          uiScale={1}
          showVacancy={false}
          layers={layers}
          onMapLoad={onMapLoad}
          onReady={() => setMapReady(true)}
          padding={{ top: 30, bottom: 30, left: 30, right: 30 }}
        />
        {picking ? <div className="dmap__hint">{t('dispatch.intake.picking')}</div> : null}
        {lassoActive ? <div className="dmap__hint">{t('dispatch.patrol.lassoActive')}</div> : null}
        {!live.connected && live.attempts > 0 ? <div className="dmap__banner">{t('dispatch.offline')}</div> : null}
      </main>

      <aside className="dright">
        {side === 'intake' ? (
          <IntakeForm
            categories={categories.data?.items ?? EMPTY}
            point={intakePoint}
            located={located}
            picking={picking}
            busy={busy}
            onPick={() => setPicking((x) => !x)}
            onSubmit={(v) => void submitIntake(v)}
            onCancel={() => {
              setPicking(false);
              setSide('detail');
            }}
          />
        ) : side === 'patrol' ? (
          <PatrolPanel
            teams={teams}
            selected={patrolSel}
            lassoActive={lassoActive}
            zones={zonesQ.data?.items ?? EMPTY}
            coverage={coverageQ.data}
            showCoverage={showCoverage}
            busy={busy}
            onToggleLasso={() => setLassoActive((x) => !x)}
            onClear={() => {
              setPatrolSel([]);
              setLassoPolygon(null);
            }}
            onToggleCoverage={() => setShowCoverage((x) => !x)}
            onCreate={(teamId, start, end) => void createPatrol(teamId, start, end)}
            onDelete={(z) => void removeZone(z)}
            onClose={() => setSide('detail')}
          />
        ) : sel && selGridCode ? (
          <DetailPanel
            key={sel.kind === 'case' ? `c${sel.id}` : `g${sel.code}`}
            grid={gridByCode.get(selGridCode) ?? null}
            gridCode={selGridCode}
            focusCase={focusCase}
            mode={sel.kind}
            gridCases={gridOpenCases}
            roster={rosterQ.data}
            nearest={nearestQ.data}
            nearestLoading={nearestQ.isLoading}
            now={now}
            busy={busy}
            onClose={() => setSel(null)}
            onAssign={(team) => void assign(team)}
            onAction={(a, extra) => void act(a, extra)}
            onSelectCase={selectCase}
          />
        ) : (
          <section className="dpanel dempty">
            <h2>{t('dispatch.title')}</h2>
            <p>{t('dispatch.emptyHint')}</p>
            <ul className="dempty__keys">
              <li>
                <kbd>j</kbd> {t('dispatch.help.j')}
              </li>
              <li>
                <kbd>n</kbd> {t('dispatch.help.n')}
              </li>
              <li>
                <kbd>p</kbd> {t('dispatch.help.p')}
              </li>
              <li>
                <kbd>?</kbd> {t('dispatch.help.question')}
              </li>
            </ul>
          </section>
        )}
      </aside>
      {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
    </div>
  );
}
