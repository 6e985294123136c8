/**
 * The video wall (/wall): the live district at a glance, for a 4K panel left running for days.
 * See wall/params.ts for the URL parameters and README (client) for the test hooks. The live state is the
 * WallStore (wall/store.ts) on the shared board fold; the panels live in wall/.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { Light } from '@gridcommand/shared/domain';
import { ApiError } from '../api/http.ts';
import { silenceSeconds } from '../api/live.ts';
import { useArea, useAreas, useCategories } from '../api/queries.ts';
import { presetWindow, useHeatmap, useHeatmapScale, useOpenSupervision, useOverview, useStreetStats } from '../api/stats.ts';
import { areaLabels } from '../map/layers/labels.ts';
import type { MapLabels } from '../map/MapView.tsx';
import { isValidBBox } from '../map/bounds.ts';
import { useViewportScale } from '../map/useViewportScale.ts';
import { useToasts } from '../panels/Toasts.tsx';
import { WallMap } from '../wall/WallMap.tsx';
import { WallHeader } from '../wall/WallHeader.tsx';
import { HeatPanel, KpiBlock, LightBar, OverduePanel, Ranking, TeamBoard } from '../wall/panels.tsx';
import { EmergencyBanner, MapCaption, Ticker } from '../wall/overlays.tsx';
import { CalendarBanner } from '../wall/CalendarBanner.tsx';
import { beep } from '../wall/sound.ts';
import { useWallLive } from '../wall/useWallLive.ts';
import { parseWallParams, WALL_MODES, type WallMode } from '../wall/params.ts';
import { convergenceLines } from '../wall/convergence.ts';
import { DISTRICT_CODE } from './MapPage.tsx';
import '../wall/wall.css';


const EMPTY: never[] = [];
const HEAT_CELL_KM = 1;
const DEFAULT_BREAKS = [1, 3, 6, 10, 20, 40];

export interface WallTestApi {
  ready: boolean;
  mode: WallMode;
  lastEventId: number | null;
  caseCount: number;
  /** the light of a grid by its tile feature id */
  gridLight(gridId: number): Light;
  caseLight(caseId: number): Light | null;
  stale: boolean;
  /** the lines of teams converging on open cases (lead and supporting teams) */
  convergence(): { teamId: number; caseId: number; lead: boolean }[];
}

declare global {
  interface Window {
    __GC_WALL__?: WallTestApi;
  }
}

const settled = (q: { isSuccess: boolean; isError: boolean }) => q.isSuccess || q.isError;

function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}

export function WallPage() {
  const { t, i18n } = useTranslation();
  const toasts = useToasts();
  const params = useMemo(() => parseWallParams(window.location.search), []);
  const uiScale = useViewportScale(2.4);

  // ── reference data ────────────────────────────────────────────────
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const zones = useAreas('zone');
  const categories = useCategories();

  const streetName = useMemo(() => new Map((streets.data?.items ?? EMPTY).map((s) => [s.code, s.shortName || s.name])), [streets.data]);
  const categoryName = useMemo(
    () => new Map((categories.data?.items ?? EMPTY).map((c) => [c.code, i18n.language === 'en' ? c.nameEn : c.name])),
    [categories.data, i18n.language],
  );
  const focusStreet = params.street ? (streets.data?.items.find((s) => s.code === params.street) ?? null) : null;

  const labels = useMemo<MapLabels>(() => {
    const inFocus = <T extends { code: string }>(items: readonly T[]) => (params.street ? items.filter((a) => a.code.startsWith(params.street!)) : items);
    return {
      streets: areaLabels(inFocus(streets.data?.items ?? EMPTY)),
      zones: areaLabels(inFocus(zones.data?.items ?? EMPTY)),
      communities: EMPTY,
      grids: EMPTY,
    };
  }, [streets.data, zones.data, params.street]);

  // ── the live store, its snapshots and the stream ──────────────────
  const { store, live, snapshotsSettled } = useWallLive({ street: params.street, reconnectMaxMs: params.reconnectMaxSeconds * 1000 });

  // ── numbers: refetched on events (useWallLive), at most every 10 s; and every 5 min regardless ──
  const overviewToday = useOverview('today', params.street, { refetchInterval: 300_000 });
  const overviewMonth = useOverview('month', params.street, { refetchInterval: 300_000 });
  const streetStats = useStreetStats('today', { refetchInterval: 300_000 });
  const supervision = useOpenSupervision({ refetchInterval: 300_000, street: params.street });
  const heatWindow = useMemo(() => presetWindow('7d'), []);
  const heatScale = useHeatmapScale(null, { mode: 'hex', cellKm: HEAT_CELL_KM, days: 7 });
  const heat = useHeatmap({ ...heatWindow, mode: 'hex', cellKm: HEAT_CELL_KM });

  // ── emergencies: optional sound ──────────────────────────────────
  useEffect(() => (params.sound ? store.onEmergency(() => beep()) : undefined), [store, params.sound]);

  // ── modes ────────────────────────────────────────────────────────
  const [mode, setMode] = useState<WallMode>(params.mode ?? 'overview');
  const [pinned, setPinned] = useState<boolean>(params.mode !== null || params.rotateSeconds === 0);
  useEffect(() => {
    if (pinned || params.rotateSeconds === 0) return;
    const timer = setInterval(() => setMode((m) => WALL_MODES[(WALL_MODES.indexOf(m) + 1) % WALL_MODES.length]!), params.rotateSeconds * 1000);
    return () => clearInterval(timer);
  }, [pinned, params.rotateSeconds]);
  const pickMode = (m: WallMode) => {
    if (m === mode && pinned) {
      setPinned(false);
      return;
    }
    setMode(m);
    setPinned(true);
  };

  // ── freshness ────────────────────────────────────────────────────
  const now = useNow(1000);
  const silence = silenceSeconds(live, now);
  const everConnected = live.lastMessageAt !== null || live.disconnectedAt !== null;
  // lost: after staleAfter (default 30 s); connected but silent: never before 20 s, since heartbeats come every 15 s
  const staleLimit = live.connected ? Math.max(params.staleAfterSeconds, 20) : params.staleAfterSeconds;
  const stale = snapshotsSettled && (everConnected || live.attempts > 0) && silence > staleLimit;

  // ── readiness + test hooks ───────────────────────────────────────
  const [mapReady, setMapReady] = useState(false);
  const onMapReady = useCallback(() => setMapReady(true), []);
  const dataReady = snapshotsSettled && settled(overviewToday) && settled(streets);
  const hookState = useRef({ mode, stale, ready: false });
  hookState.current = { mode, stale, ready: mapReady && dataReady && live.connected };
  useEffect(() => {
    window.__GC_WALL__ = {
      get ready() {
        return hookState.current.ready;
      },
      get mode() {
        return hookState.current.mode;
      },
      get lastEventId() {
        return store.lastEventId;
      },
      get caseCount() {
        return store.cases.size;
      },
      gridLight: (id) => store.gridLight(id),
      caseLight: (id) => store.caseLight(id),
      convergence: () => convergenceLines(store.state).map((l) => ({ teamId: l.teamId, caseId: l.caseId, lead: l.lead })),
      get stale() {
        return hookState.current.stale;
      },
    };
    return () => {
      delete window.__GC_WALL__;
    };
  }, [store]);

  const onMapError = useCallback(
    (key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }),
    [toasts, t],
  );

  // store-driven parts of the UI re-render at most once a frame
  const storeVersion = useSyncExternalStore(store.subscribe, () => `${store.version}:${store.colourVersion}:${store.ticker[0]?.id ?? 0}:${store.teamVersion}:${store.emergencyCount}`);

  const fitBBox = focusStreet && isValidBBox(focusStreet.bbox) ? focusStreet.bbox : district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;
  const unauthorized = live.unauthorized || (overviewToday.error instanceof ApiError && overviewToday.error.statusCode === 401);

  return (
    <div className="wall" data-testid={`wall-mode-${mode}`} data-mode={mode}>
      <WallHeader
        title={focusStreet ? `${t('wall.districtTitle')} · ${focusStreet.shortName || focusStreet.name}` : t('wall.districtTitle')}
        mode={mode}
        pinned={pinned}
        rotateSeconds={params.rotateSeconds}
        onPick={pickMode}
        live={live}
        stale={stale}
        now={now}
      />
      <aside className="wall__left">
        <KpiBlock id="today" title={t('wall.today')} data={overviewToday.data ?? null} primary />
        <KpiBlock id="month" title={t('wall.month')} data={overviewMonth.data ?? null} />
        <LightBar store={store} version={storeVersion} overview={overviewToday.data ?? null} />
      </aside>
      <main className="wall__map">
        <WallMap
          store={store}
          mode={mode}
          labels={labels}
          fitBBox={fitBBox}
          fitFallback={district.isError}
          uiScale={uiScale}
          heat={heat.data ?? null}
          heatBreaks={heatScale.data?.breaks ?? DEFAULT_BREAKS}
          heatCellKm={HEAT_CELL_KM}
          onReady={onMapReady}
          onMapError={onMapError}
        />
        <MapCaption mode={mode} store={store} version={storeVersion} breaks={heatScale.data?.breaks ?? DEFAULT_BREAKS} heatTotal={heat.data && heat.data.mode === 'hex' ? heat.data.total : null} />
        {stale ? (
          <div className="wall-stale" data-testid="wall-stale" role="alert">
            <strong>{t('wall.stale', { s: Math.floor(silence) })}</strong>
            <span>{t('wall.staleDetail')}</span>
          </div>
        ) : null}
        {unauthorized ? <div className="wall-stale wall-stale--auth">{t('wall.unauthorized')}</div> : null}
        <EmergencyBanner store={store} version={storeVersion} streetName={streetName} now={now} />
        <CalendarBanner variant="wall" enabled={!unauthorized} />
      </main>
      <aside className="wall__right">
        {mode === 'overview' ? <Ranking items={streetStats.data?.items ?? null} focus={params.street} /> : null}
        {mode === 'overdue' ? <OverduePanel store={store} version={storeVersion} supervision={supervision.data?.items ?? null} streetName={streetName} categoryName={categoryName} /> : null}
        {mode === 'heatmap' ? <HeatPanel items={streetStats.data?.items ?? null} breaks={heatScale.data?.breaks ?? DEFAULT_BREAKS} /> : null}
        {mode === 'teams' ? <TeamBoard store={store} version={storeVersion} /> : null}
      </aside>
      <Ticker lines={store.ticker} version={storeVersion} streetName={streetName} categoryName={categoryName} />
    </div>
  );
}
