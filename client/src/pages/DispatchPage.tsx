/**
 * The dispatcher's desk (/dispatch): map + queues + team board, a grid or case panel with the nearest teams and
 * one-click assignment, hotline intake, patrol zones with coverage, keyboard shortcuts and live updates.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Case, Team } from '@gridcommand/shared/schemas';
import { useDeskLive } from '../dispatch/useDeskLive.ts';
import { useIntake, usePatrolPlanning, useTeamActions } from '../dispatch/useDeskActions.ts';
import { ApiError } from '../api/http.ts';
import { keys } from '../api/keys.ts';
import { MapView } from '../map/MapView.tsx';
import { isValidBBox } from '../map/bounds.ts';
import { navigate } from '../router.tsx';
import { useToasts } from '../panels/Toasts.tsx';
import { assignTeam, caseAction, useCase, useCategories, useGridCases, useMe, useNearest, useActivePatrols, useRoster, useTeams } from '../dispatch/api.ts';
import { Queues } from '../dispatch/Queues.tsx';
import { byUrgency, deskCounts, mapCasesOf, openCasesOf } from '../dispatch/queueModel.ts';
import { useDeskQueues } from '../dispatch/useDeskData.ts';
import { useGeography } from '../map/useGeography.ts';
import { useGrid } from '../api/queries.ts';
import { useRunAction } from '../dispatch/useRunAction.ts';
import { useLasso } from '../dispatch/useLasso.ts';
import { useDeskKeys } from '../dispatch/useDeskKeys.ts';
import { mapClickOf } from '../dispatch/mapClick.ts';
import { DeskEmpty } from '../dispatch/DeskEmpty.tsx';
import { TeamBoard } from '../dispatch/TeamBoard.tsx';
import { DetailPanel } from '../dispatch/DetailPanel.tsx';
import { IntakeForm } from '../dispatch/IntakeForm.tsx';
import { PatrolPanel } from '../dispatch/PatrolPanel.tsx';
import { CallbacksPanel } from '../dispatch/CallbacksPanel.tsx';
import { HelpOverlay } from '../dispatch/HelpOverlay.tsx';
import { useDeskLayers } from '../dispatch/useDeskLayers.ts';
import { useDispatchTestHooks } from '../dispatch/testHooks.ts';
import { useNow } from '../panels/useNow.ts';
import { DeskHeader } from '../dispatch/DeskHeader.tsx';
import { logout } from '../dispatch/session.ts';
import '../dispatch/i18n.ts';
import '../dispatch/dispatch.css';

type Selection = { kind: 'grid'; code: string } | { kind: 'case'; id: number; gridCode: string } | null;
type Side = 'detail' | 'intake' | 'patrol' | 'callbacks';

const EMPTY: never[] = [];
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

function Desk({ user }: { user: { displayName: string; role: string } }) {
  const { t } = useTranslation();
  const toasts = useToasts();
  const qc = useQueryClient();

  // ── reference data (shared with the map page's cache) ──
  const { district, labels, watchViewport } = useGeography();
  const categories = useCategories();

  // ── live data ──
  const teamsQ = useTeams(true);
  const teams = teamsQ.data?.items ?? EMPTY;
  const patrolsQ = useActivePatrols();

  const now = useNow(15_000);

  // ── selection and side panel ──
  const [sel, setSel] = useState<Selection>(null);
  const [side, setSide] = useState<Side>('detail');
  const [busyTeams, setBusyTeams] = useState<ReadonlySet<number>>(new Set());
  const [help, setHelp] = useState(false);
  const [selectedTeamId, setSelectedTeamId] = useState<number | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const selGridCode = sel?.kind === 'grid' ? sel.code : sel?.kind === 'case' ? sel.gridCode : null;
  const caseQ = useCase(sel?.kind === 'case' ? sel.id : null);
  const gridCasesQ = useGridCases(selGridCode);
  const rosterQ = useRoster(selGridCode);
  const gridOpenCases = useMemo(
    () => openCasesOf(gridCasesQ.data).sort(byUrgency(now)),
    [gridCasesQ.data, now],
  );
  const focusCase: Case | null =
    sel?.kind === 'case' ? (caseQ.data ?? null) : (gridOpenCases.find((c) => c.status === 'reported' || c.status === 'filed') ?? null);
  const gridQ = useGrid(selGridCode);
  const gridPoint = selGridCode && gridQ.data?.code === selGridCode ? gridQ.data.labelPoint : undefined;
  const nearestTarget = focusCase ? { caseId: focusCase.id } : gridPoint ? { lon: gridPoint[0], lat: gridPoint[1] } : null;
  const nearestQ = useNearest(sel ? nearestTarget : null);

  // ── queues ──
  const { sections, loaded: queuesLoaded } = useDeskQueues(t, now);
  const mapCases = useMemo(() => mapCasesOf(sections, gridOpenCases, now), [sections, gridOpenCases, now]);

  // ── live: teams through the shared fold, cases refetched (debounced) ──
  const { live, refreshCases, putTeam, caseMap, caseMapVersion } = useDeskLive(teamsQ.dataUpdatedAt);

  // ── running an action: result or a message that says what to do ──
  const { run, busy } = useRunAction(refreshCases);

  const assign = useCallback(
    async (team: Team) => {
      if (!focusCase) return;
      const r = await run('assign', () => assignTeam(focusCase, team), () => t('dispatch.result.assigned', { team: team.name, case: focusCase.code }));
      if (r) {
        putTeam(r.team);
        if (r.case) qc.setQueryData(keys.dispatch.case(r.case.id), r.case);
        if (sel?.kind === 'grid' && r.case) setSel({ kind: 'case', id: r.case.id, gridCode: r.case.gridCode });
      }
    },
    [focusCase, run, t, putTeam, qc, sel],
  );

  const act = useCallback(
    async (action: string, extra: Record<string, unknown> = {}) => {
      if (!focusCase) return;
      const r = await run(`act:${action}`, () => caseAction(focusCase, action, extra), (c) =>
        t('dispatch.result.acted', { action: t(`labels.action.${action}`), case: c.code }),
      );
      if (r) qc.setQueryData(keys.dispatch.case(r.id), r);
    },
    [focusCase, run, t, qc],
  );

  const { onStep, onStatus } = useTeamActions(run, putTeam, setBusyTeams);

  // ── hotline intake ──
  const { picking, setPicking, intakePoint, located, pickPoint, submitIntake } = useIntake(run, (c) => {
    setSide('detail');
    setSel({ kind: 'case', id: c.id, gridCode: c.gridCode });
  });

  // ── patrol zones ──
  const { patrolSel, setPatrolSel, setLassoPolygon, showCoverage, setShowCoverage, zonesQ, coverageQ, togglePatrolGrid, createPatrol, removeZone } =
    usePatrolPlanning(run, teams, side === 'patrol');

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
    const click = mapClickOf(map, e, mapCases);
    if (click.kind === 'toggle') {
      togglePatrolGrid(click.code);
      setSide('patrol');
    } else if (click.kind === 'case') {
      setSel({ kind: 'case', id: click.id, gridCode: click.gridCode });
      setSide('detail');
    } else if (click.kind === 'grid') {
      setSel({ kind: 'grid', code: click.code });
      setSide('detail');
    } else setSel(null);
  };
  const lasso = useLasso(
    map,
    (codes, polygon) => {
      setPatrolSel((sel) => [...new Set([...sel, ...codes])]);
      setLassoPolygon(polygon);
    },
    picking,
    (e) => toasts.push({ kind: 'error', title: t('errors.map'), message: e instanceof Error ? e.message : String(e), key: 'lasso' }),
  );
  const lassoActive = lasso.active;
  const setLassoActive = lasso.setActive;
  const onMapLoad = useCallback((m: MapLibreMap | null) => {
    setMap(m);
    if (!m) return;
    // shift-click selects grids for a patrol zone here (instead of MapLibre's shift-drag box zoom)
    m.boxZoom.disable();
    m.on('click', (e) => clickRef.current(e));
    lasso.attach(m);
    watchViewport(m);
  }, [lasso.attach, watchViewport]);

  // ── layers: every open case beneath the desk's own; highlights as feature-state on the grid tiles ──
  const { layers, highlights, showUncovered } = useDeskLayers({
    caseMap,
    caseMapVersion,
    lasso: lasso.points,
    cases: mapCases,
    focusCase,
    nearest: nearestQ.data ?? null,
    teams,
    teamVersion: teamsQ.dataUpdatedAt,
    intakePoint,
    patrols: patrolsQ.data?.items,
    showCoverage,
    patrolOpen: side === 'patrol',
    zones: zonesQ.data?.items,
    patrolSelection: patrolSel,
  });

  const onMapError = useCallback(
    (key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }),
    [toasts, t],
  );

  // ── keyboard ──
  const allQueueCases = useMemo(() => sections.flatMap((s) => s.items), [sections]);
  useDeskKeys((key, e) => {
    switch (key) {
      case 'escape':
        if (help) setHelp(false);
        else if (picking) setPicking(false);
        else if (lassoActive) setLassoActive(false);
        else if (side !== 'detail') setSide('detail');
        else setSel(null);
        return;
      case 'help':
        setHelp((h) => !h);
        return;
      case 'intake':
        setSide('intake');
        setPicking(true);
        return;
      case 'patrol':
        setSide('patrol');
        return;
      case 'search':
        e.preventDefault();
        searchRef.current?.focus();
        return;
      case 'file':
        if (focusCase?.allowedActions.includes('file')) void act('file');
        return;
      case 'dispatch':
        if (focusCase && nearestQ.data?.items[0]) void assign(nearestQ.data.items[0].team);
        return;
      case 'next': {
        if (allQueueCases.length === 0) return;
        const idx = sel?.kind === 'case' ? allQueueCases.findIndex((c) => c.id === sel.id) : -1;
        const next = allQueueCases[(idx + 1) % allQueueCases.length]!;
        setSel({ kind: 'case', id: next.id, gridCode: next.gridCode });
        setSide('detail');
        map?.easeTo({ center: [next.lon, next.lat], zoom: Math.max(map.getZoom(), 13), duration: 400 });
        return;
      }
    }
  });

  // ── test hooks ──
  const [mapReady, setMapReady] = useState(false);
  useDispatchTestHooks({
    ready: mapReady && teamsQ.isSuccess && queuesLoaded,
    liveConnected: live.connected,
    select: (s) => {
      setSel(s);
      setSide('detail');
    },
  });

  const selectCase = (c: Case) => {
    setSel({ kind: 'case', id: c.id, gridCode: c.gridCode });
    setSide('detail');
    if (map) map.easeTo({ center: [c.lon, c.lat], zoom: Math.max(map.getZoom(), 13), duration: 400 });
  };

  const counts = deskCounts(sections, teams);
  const districtBBox = district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;

  return (
    <div className="gcd dispatch" data-testid="dispatch">
      <DeskHeader
        user={user}
        connected={live.connected}
        counts={counts}
        side={side}
        onIntake={() => {
          setSide('intake');
          setPicking(true);
        }}
        onPatrol={() => setSide(side === 'patrol' ? 'detail' : 'patrol')}
        onCallbacks={() => setSide(side === 'callbacks' ? 'detail' : 'callbacks')}
        onHelp={() => setHelp(true)}
      />

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
          selectedGridCode={selGridCode}
          onSelectGrid={() => undefined}
          onMapError={onMapError}
          uiScale={1}
          showVacancy={false}
          layers={layers}
          gridHighlights={highlights}
          showUncovered={showUncovered}
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
        ) : side === 'callbacks' ? (
          <CallbacksPanel onClose={() => setSide('detail')} onDone={(message) => toasts.push({ kind: 'info', title: t('dispatch.callbacks.title'), message, key: 'callback' })} />
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
            grid={gridQ.data?.code === selGridCode ? gridQ.data : null}
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
          <DeskEmpty />
        )}
      </aside>
      {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
    </div>
  );
}
