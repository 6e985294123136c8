/**
 * The video wall (/wall): the live district at a glance, for a 4K panel left running for days.
 * See wall/params.ts for the URL parameters and README (client) for the test hooks.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useViewportScale } from '../map/useViewportScale.ts';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { toPercent, type Light } from '@gridcommand/shared/domain';
import type { Supervision } from '@gridcommand/shared/schemas';
import { apiFetch, ApiError } from '../api/http.ts';
import { silenceSeconds, useLive, type LiveEvent, type LiveState } from '../api/live.ts';
import { useArea, useAreas, useGrids } from '../api/queries.ts';
import {
  presetWindow,
  statsKeys,
  useCategories,
  useGridLights,
  useHeatmap,
  useHeatmapScale,
  useOpenCases,
  useOpenSupervision,
  useOverview,
  useStreetStats,
  useTeams,
  type OpenCase,
  type Overview,
  type StreetStat,
} from '../api/stats.ts';
import type { GridProperties } from '../api/types.ts';
import { areaLabels } from '../map/layers/labels.ts';
import type { MapLabels } from '../map/MapView.tsx';
import { isValidBBox } from '../map/bounds.ts';
import { TEAM_STATUS_RGBA } from '../map/layers/live.ts';
import { useToasts } from '../panels/Toasts.tsx';
import { WallMap } from '../wall/WallMap.tsx';
import { byUrgency, WallStore, type TickerLine, type WallCase } from '../wall/store.ts';
import { parseWallParams, WALL_MODES, type WallMode } from '../wall/params.ts';
import { DISTRICT_CODE } from './MapPage.tsx';
import '../wall/wall.css';

const EMPTY: never[] = [];
const STATS_DEBOUNCE_MS = 10_000;
const HEAT_CELL_KM = 1;

export interface WallTestApi {
  ready: boolean;
  mode: WallMode;
  lastEventId: number | null;
  caseCount: number;
  gridLight(gridId: number): Light;
  caseLight(caseId: number): Light | null;
  stale: boolean;
}

declare global {
  interface Window {
    __GC_WALL__?: WallTestApi;
  }
}


function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}

/** CST wall-clock parts of an instant (the command center is in China whatever the PC's zone). */
function cstParts(ms: number) {
  const d = new Date(ms + 8 * 3600_000);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    wd: d.getUTCDay(),
    hh: String(d.getUTCHours()).padStart(2, '0'),
    mm: String(d.getUTCMinutes()).padStart(2, '0'),
    ss: String(d.getUTCSeconds()).padStart(2, '0'),
  };
}

function fmtInt(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('zh-CN') : '—';
}

function fmtRate(r: number | null | undefined): string {
  const p = toPercent(r ?? null, 1);
  return p === null ? '—' : `${p.toFixed(1)}`;
}

/** A short beep (WebAudio), for `?sound=1`. */
function beep(): void {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const play = (at: number) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + 0.3);
    };
    play(0);
    play(0.4);
    play(0.8);
    setTimeout(() => void ctx.close(), 1_500);
  } catch {
    /* no audio on this PC */
  }
}

export function WallPage() {
  const { t, i18n } = useTranslation();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const params = useMemo(() => parseWallParams(window.location.search), []);
  const uiScale = useViewportScale(2.4);

  // ── reference data ────────────────────────────────────────────────
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const zones = useAreas('zone');
  const grids = useGrids();
  const categories = useCategories();

  const gridProps = useMemo<GridProperties[]>(
    () => (grids.data?.features ?? EMPTY).map((f) => f.properties).filter((p): p is GridProperties => p != null),
    [grids.data],
  );
  const gridIdByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p.id])), [gridProps]);
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

  // ── the live store ────────────────────────────────────────────────
  const [store] = useState(
    () =>
      new WallStore({
        gridIdByCode: new Map(),
        street: params.street,
        fetchCase: async (id) => {
          const c = await apiFetch<{
            id: number; code: string; lon: number; lat: number; light: Light; priority: string; status: string;
            categoryCode: string; majorCode: string; gridCode: string; streetCode: string; reportedAt: string; title: string;
          }>(`/api/cases/${id}`);
          const oc: OpenCase = { ...c, gridId: store.gridIdFor(c.gridCode) };
          return oc;
        },
      }),
  );
  useEffect(() => () => store.dispose(), [store]);
  useEffect(() => store.setGridIndex(gridIdByCode), [store, gridIdByCode]);

  const gridLights = useGridLights();
  const openCases = useOpenCases();
  const teams = useTeams();
  const loadedRef = useRef({ lights: false, cases: false, teams: false });
  useEffect(() => {
    if (gridLights.data && !loadedRef.current.lights) {
      loadedRef.current.lights = true;
      store.loadGridLights(gridLights.data.items);
    }
  }, [gridLights.data, store]);
  useEffect(() => {
    if (openCases.data && gridProps.length > 0 && !loadedRef.current.cases) {
      loadedRef.current.cases = true;
      store.loadOpenCases(openCases.data.items);
    }
  }, [openCases.data, gridProps.length, store]);
  useEffect(() => {
    if (teams.data && !loadedRef.current.teams) {
      loadedRef.current.teams = true;
      store.loadTeams(teams.data.items);
    }
  }, [teams.data, store]);

  // the stream starts where the snapshots end (or at "now" when there is none)
  const settled = (q: { isSuccess: boolean; isError: boolean }) => q.isSuccess || q.isError;
  const snapshotsSettled = settled(gridLights) && settled(openCases) && settled(grids);
  const since = openCases.data?.lastEventId ?? gridLights.data?.lastEventId ?? null;

  // ── numbers: refetched on events, at most every 10 s; and every 5 min regardless ──
  const overviewToday = useOverview('today', params.street, { refetchInterval: 300_000 });
  const overviewMonth = useOverview('month', params.street, { refetchInterval: 300_000 });
  const streetStats = useStreetStats('today', { refetchInterval: 300_000 });
  const supervision = useOpenSupervision({ refetchInterval: 300_000, street: params.street });
  const heatWindow = useMemo(() => presetWindow('7d'), []);
  const heatScale = useHeatmapScale(null, { mode: 'hex', cellKm: HEAT_CELL_KM, days: 7 });
  const heat = useHeatmap({ ...heatWindow, mode: 'hex', cellKm: HEAT_CELL_KM });

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRefresh = useRef(0);
  const refreshStats = useCallback(() => {
    if (refreshTimer.current) return;
    const wait = Math.max(0, lastRefresh.current + STATS_DEBOUNCE_MS - Date.now());
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      lastRefresh.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: ['stats', 'overview'] });
      void queryClient.invalidateQueries({ queryKey: ['stats', 'streets'] });
      void queryClient.invalidateQueries({ queryKey: statsKeys.supervision() });
    }, wait);
  }, [queryClient]);
  useEffect(() => () => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
  }, []);

  const onEvent = useCallback(
    (e: LiveEvent) => {
      if (store.apply(e)) refreshStats();
    },
    [store, refreshStats],
  );
  const live = useLive(onEvent, { enabled: snapshotsSettled, since, street: params.street });

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
  const storeVersion = useSyncExternalStore(store.subscribe, () => `${store.version}:${store.colourVersion}:${store.ticker[0]?.id ?? 0}:${store.teamVersion}`);

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

const DEFAULT_BREAKS = [1, 3, 6, 10, 20, 40];

// ── header ─────────────────────────────────────────────────────────

function WallHeader(props: {
  title: string;
  mode: WallMode;
  pinned: boolean;
  rotateSeconds: number;
  onPick(m: WallMode): void;
  live: LiveState;
  stale: boolean;
  now: number;
}) {
  const { t } = useTranslation();
  const c = cstParts(props.now);
  const weekdays = t('wall.weekdays', { returnObjects: true }) as string[];
  return (
    <header className="wall__head">
      <div className="wall__brand">
        <svg className="wall__mark" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M16 2 29 9.5v13L16 30 3 22.5v-13Z" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M16 9 23 13v6l-7 4-7-4v-6Z" fill="currentColor" opacity="0.55" />
        </svg>
        <div>
          <h1 className="wall__title">{props.title}</h1>
          <div className="wall__subtitle">{t('wall.subtitle')}</div>
        </div>
      </div>
      <nav className="wall__tabs" aria-label="modes">
        {WALL_MODES.map((m) => (
          <button
            key={m}
            type="button"
            className={`wall__tab${m === props.mode ? ' is-active' : ''}`}
            data-testid={`wall-tab-${m}`}
            onClick={() => props.onPick(m)}
          >
            {t(`wall.modes.${m}`)}
            {m === props.mode && props.pinned ? <span className="wall__pin">●</span> : null}
          </button>
        ))}
        <span className="wall__rotate">{props.pinned ? t('wall.pinned') : t('wall.rotating', { s: props.rotateSeconds })}</span>
      </nav>
      <div className="wall__clockbox">
        <div className={`wall__live${props.live.connected && !props.stale ? ' is-on' : ''}`} data-testid="wall-live">
          <span className="wall__dot" />
          {props.live.connected && !props.stale ? t('wall.live') : t('wall.connecting')}
        </div>
        <div className="wall__clock mono">
          {c.hh}:{c.mm}
          <span className="wall__sec">:{c.ss}</span>
        </div>
        <div className="wall__date">
          <div>{t('wall.dateFormat', { y: c.y, m: c.m, d: c.d })}</div>
          <div>{weekdays[c.wd]}</div>
        </div>
      </div>
    </header>
  );
}

// ── KPI tiles ──────────────────────────────────────────────────────

const KPI_KEYS = ['reported', 'filed', 'closed', 'inProgress', 'escalated', 'overdue', 'supervised'] as const;

function KpiBlock({ id, title, data, primary = false }: { id: string; title: string; data: Overview | null; primary?: boolean }) {
  const { t } = useTranslation();
  const prefix = id === 'today' ? 'kpi' : `kpi-${id}`;
  return (
    <section className={`wall-card kpis${primary ? ' kpis--primary' : ''}`}>
      <h2 className="wall-card__title">
        <span>{title}</span>
      </h2>
      <div className="kpis__rates">
        <RateRing testid={`${prefix}-closureRate`} label={t('wall.kpi.closureRate')} value={data?.closureRate ?? null} />
        <RateRing testid={`${prefix}-onTimeClosureRate`} label={t('wall.kpi.onTimeClosureRate')} value={data?.onTimeClosureRate ?? null} />
      </div>
      <div className="kpis__grid">
        {KPI_KEYS.map((k) => (
          <div key={k} className={`kpi kpi--${k}`} data-testid={`${prefix}-${k}`}>
            <div className={`kpi__value mono${fmtInt(data ? data[k] : null).length > 4 ? ' kpi__value--long' : ''}`}>{fmtInt(data ? data[k] : null)}</div>
            <div className="kpi__label">{t(`wall.kpi.${k}`)}</div>
          </div>
        ))}
      </div>
    </section>
  );
}

function RateRing({ label, value, testid }: { label: string; value: number | null; testid: string }) {
  const pct = toPercent(value, 1);
  const frac = pct === null ? 0 : Math.max(0, Math.min(1, pct / 100));
  const r = 42;
  const circ = 2 * Math.PI * r;
  const tone = pct === null ? 'none' : pct >= 90 ? 'good' : pct >= 75 ? 'warn' : 'bad';
  return (
    <div className={`ring ring--${tone}`} data-testid={testid}>
      <svg viewBox="0 0 100 100" className="ring__svg" aria-hidden="true">
        <circle cx="50" cy="50" r={r} className="ring__track" />
        <circle cx="50" cy="50" r={r} className="ring__bar" strokeDasharray={`${circ * frac} ${circ}`} transform="rotate(-90 50 50)" />
      </svg>
      <div className="ring__text">
        <div className="ring__value mono">
          {fmtRate(value)}
          {pct !== null ? <small>%</small> : null}
        </div>
        <div className="ring__label">{label}</div>
      </div>
    </div>
  );
}

function LightBar({ store, overview }: { store: WallStore; version: string; overview: Overview | null }) {
  const { t } = useTranslation();
  const counts = store.countByLight();
  const fromApi = overview?.byLight;
  const values = {
    green: fromApi?.green ?? counts.green,
    due_soon: fromApi?.due_soon ?? counts.due_soon,
    yellow: fromApi?.yellow ?? counts.yellow,
    red: fromApi?.red ?? counts.red,
  };
  const total = Math.max(1, values.green + values.due_soon + values.yellow + values.red);
  const order = ['green', 'due_soon', 'yellow', 'red'] as const;
  return (
    <section className="wall-card lights" data-testid="wall-lights">
      <h2 className="wall-card__title">
        <span>{t('wall.openNow')}</span>
        <span className="mono lights__total">{fmtInt(overview?.openTotal ?? store.cases.size)}</span>
      </h2>
      <div className="lights__bar">
        {order.map((k) => (
          <span key={k} className={`lights__seg light--${k}`} style={{ flexGrow: values[k] / total }} />
        ))}
      </div>
      <div className="lights__legend">
        {order.map((k) => (
          <div key={k} className="lights__item" data-testid={`light-${k}`}>
            <span className={`lights__swatch light--${k}`} />
            <span className="lights__name">{t(`wall.lights.${k}`)}</span>
            <span className="mono lights__n">{fmtInt(values[k])}</span>
          </div>
        ))}
      </div>
    </section>
  );
}

// ── right column ───────────────────────────────────────────────────

function Ranking({ items, focus }: { items: StreetStat[] | null; focus: string | null }) {
  const { t } = useTranslation();
  const rows = items ?? [];
  return (
    <section className="wall-card ranking" data-testid="wall-ranking">
      <h2 className="wall-card__title">
        <span>{t('wall.ranking')}</span>
        <span className="wall-card__hint">{t('wall.rankingHint')}</span>
      </h2>
      <div className="ranking__head">
        <span />
        <span>{t('wall.rankCols.street')}</span>
        <span>{t('wall.rankCols.reported')}</span>
        <span>{t('wall.rankCols.open')}</span>
        <span>{t('wall.rankCols.rate')}</span>
      </div>
      <ol className="ranking__list">
        {rows.length === 0 ? <li className="wall-empty">{t('wall.noData')}</li> : null}
        {rows.map((s, i) => {
          const pct = toPercent(s.onTimeClosureRate, 1);
          return (
            <li key={s.code} className={`ranking__row${s.code === focus ? ' is-focus' : ''}${i < 3 ? ' is-top' : ''}`}>
              <span className="ranking__rank mono">{i + 1}</span>
              <span className="ranking__name">{s.name}</span>
              <span className="mono">{fmtInt(s.reported)}</span>
              <span className={`mono${s.overdue > 0 ? ' is-warn' : ''}`}>{fmtInt(s.open)}</span>
              <span className="ranking__rate">
                <span className="ranking__bar" style={{ width: `${pct ?? 0}%` }} />
                <span className="mono">{pct === null ? '—' : `${pct.toFixed(1)}%`}</span>
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function OverduePanel({
  store,
  supervision,
  streetName,
  categoryName,
}: {
  store: WallStore;
  version: string;
  supervision: Supervision[] | null;
  streetName: ReadonlyMap<string, string>;
  categoryName: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const overdue: WallCase[] = [];
  for (const c of store.cases.values()) if (c.light === 'red' || c.light === 'yellow') overdue.push(c);
  overdue.sort(byUrgency);
  const now = Date.now();
  return (
    <>
      <section className="wall-card overdue" data-testid="wall-overdue">
        <h2 className="wall-card__title">
          <span>{t('wall.overdueList')}</span>
          <span className="mono">{fmtInt(overdue.length)}</span>
        </h2>
        <ul className="caselist">
          {overdue.length === 0 ? <li className="wall-empty">{t('wall.noOverdue')}</li> : null}
          {overdue.slice(0, 12).map((c) => (
            <li key={c.id} className={`caselist__row light-edge--${c.light}`}>
              <span className={`pill light--${c.light}`}>{t(`wall.lights.${c.light}`)}</span>
              <span className="caselist__main">
                <span className="caselist__title">{c.title || categoryName.get(c.categoryCode) || c.code}</span>
                <span className="caselist__meta">
                  {streetName.get(c.streetCode) ?? ''} · {categoryName.get(c.categoryCode) ?? c.categoryCode}
                </span>
              </span>
              <span className="caselist__age mono">{ageText(now - c.reportedAt)}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="wall-card supervision" data-testid="wall-supervision">
        <h2 className="wall-card__title">
          <span>{t('wall.supervisionList')}</span>
          <span className="mono">{fmtInt(supervision?.length ?? null)}</span>
        </h2>
        <ul className="caselist">
          {supervision && supervision.length === 0 ? <li className="wall-empty">{t('wall.noSupervision')}</li> : null}
          {(supervision ?? []).slice(0, 8).map((s) => (
            <li key={s.id} className={`caselist__row light-edge--${s.level}`}>
              <span className={`pill light--${s.level}`}>{s.level === 'red' ? '大督查' : '督办'}</span>
              <span className="caselist__main">
                <span className="caselist__title">{s.case.title}</span>
                <span className="caselist__meta">
                  {s.noticeNo} · {s.case.streetName} · {s.case.categoryName}
                </span>
              </span>
              <span className="caselist__age mono">{ageText(now - Date.parse(s.openedAt))}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function ageText(ms: number): string {
  const h = Math.max(0, Math.floor(ms / 3600_000));
  if (h < 1) return `${Math.max(0, Math.floor(ms / 60_000))}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function HeatPanel({ items, breaks }: { items: StreetStat[] | null; breaks: readonly number[] }) {
  const { t } = useTranslation();
  const rows = [...(items ?? [])].sort((a, b) => (b.per10k ?? 0) - (a.per10k ?? 0)).slice(0, 10);
  const max = Math.max(1, ...rows.map((r) => r.per10k ?? 0));
  return (
    <>
      <section className="wall-card" data-testid="wall-heat-legend">
        <h2 className="wall-card__title">
          <span>{t('wall.heatTitle')}</span>
        </h2>
        <DensityLegend breaks={breaks} label={t('wall.heatLegend')} />
      </section>
      <section className="wall-card ranking">
        <h2 className="wall-card__title">
          <span>{t('insights.metrics.per10k')}</span>
          <span className="wall-card__hint">{t('wall.today')}</span>
        </h2>
        <ol className="bars">
          {rows.length === 0 ? <li className="wall-empty">{t('wall.noData')}</li> : null}
          {rows.map((r) => (
            <li key={r.code} className="bars__row">
              <span className="bars__name">{r.name}</span>
              <span className="bars__track">
                <span className="bars__fill" style={{ width: `${((r.per10k ?? 0) / max) * 100}%` }} />
              </span>
              <span className="mono bars__n">{(r.per10k ?? 0).toFixed(2)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function DensityLegend({ breaks, label }: { breaks: readonly number[]; label: string }) {
  const colours = ['#1e406e', '#2378a0', '#3caaa0', '#aacd5a', '#fabe3c', '#f56e32', '#dc2626'];
  const n = breaks.length + 1;
  return (
    <div className="density-legend">
      <div className="density-legend__label">{label}</div>
      <div className="density-legend__bar">
        {Array.from({ length: n }, (_, k) => {
          const idx = n <= 1 ? colours.length - 1 : Math.round((k / (n - 1)) * (colours.length - 1));
          return <span key={k} style={{ background: colours[idx] }} />;
        })}
      </div>
      <div className="density-legend__ticks mono">
        <span>0</span>
        {breaks.map((b) => (
          <span key={b}>{b}</span>
        ))}
      </div>
    </div>
  );
}

function TeamBoard({ store }: { store: WallStore; version: string }) {
  const { t } = useTranslation();
  const teams = [...store.teams.values()];
  const order = ['on_scene', 'en_route', 'available', 'off_duty'] as const;
  const count = Object.fromEntries(order.map((s) => [s, teams.filter((x) => x.status === s).length])) as Record<(typeof order)[number], number>;
  teams.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.name.localeCompare(b.name, 'zh-CN'));
  return (
    <section className="wall-card teams" data-testid="wall-teams">
      <h2 className="wall-card__title">
        <span>{t('wall.teamsTitle')}</span>
        <span className="mono">{fmtInt(teams.length)}</span>
      </h2>
      <div className="teams__counts">
        {order.map((s) => (
          <div key={s} className="teams__count">
            <span className="teams__dot" style={{ background: rgba(TEAM_STATUS_RGBA[s]!) }} />
            <span className="teams__n mono">{count[s]}</span>
            <span className="teams__label">{t(`wall.teamStatus.${s}`)}</span>
          </div>
        ))}
      </div>
      <ul className="teams__list">
        {teams.length === 0 ? <li className="wall-empty">{t('wall.noTeams')}</li> : null}
        {teams.slice(0, 16).map((tm) => (
          <li key={tm.id} className="teams__row">
            <span className="teams__dot" style={{ background: rgba(TEAM_STATUS_RGBA[tm.status] ?? TEAM_STATUS_RGBA.off_duty!) }} />
            <span className="teams__name">{tm.name}</span>
            <span className="teams__members">{t('wall.members', { n: tm.memberCount })}</span>
            <span className={`teams__status teams__status--${tm.status}`}>{t(`wall.teamStatus.${tm.status}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function rgba(c: readonly number[]): string {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] ?? 255) / 255})`;
}

// ── map overlays ───────────────────────────────────────────────────

function MapCaption({ mode, store, breaks, heatTotal }: { mode: WallMode; store: WallStore; version: string; breaks: readonly number[]; heatTotal: number | null }) {
  const { t } = useTranslation();
  const lights = ['green', 'due_soon', 'yellow', 'red'] as const;
  return (
    <div className="map-caption">
      <div className="map-caption__mode">{t(`wall.modes.${mode}`)}</div>
      {mode === 'heatmap' ? (
        <DensityLegend breaks={breaks} label={heatTotal !== null ? `${t('wall.heatTitle')} · ${fmtInt(heatTotal)}` : t('wall.heatFallback')} />
      ) : (
        <div className="map-caption__lights">
          {lights.map((l) => (
            <span key={l} className="map-caption__light">
              <span className={`lights__swatch light--${l}`} />
              {t(`wall.lights.${l}`)}
            </span>
          ))}
          <span className="map-caption__count mono">{t('wall.casesOnMap', { n: store.cases.size.toLocaleString('zh-CN') })}</span>
        </div>
      )}
    </div>
  );
}

function EmergencyBanner({ store, streetName, now }: { store: WallStore; version: string; streetName: ReadonlyMap<string, string>; now: number }) {
  const { t } = useTranslation();
  void now; // re-evaluated every second: an emergency leaves the banner after its time
  const list = store.activeEmergencies();
  const top = list[0];
  if (!top) return null;
  const c = cstParts(top.reportedAt);
  return (
    <div className="wall-emergency" data-testid="wall-emergency" role="alert">
      <div className="wall-emergency__badge">{t('wall.emergency')}</div>
      <div className="wall-emergency__body">
        <div className="wall-emergency__title">{top.title || top.code}</div>
        <div className="wall-emergency__place">
          <span className="mono">
            {c.hh}:{c.mm}
          </span>{' '}
          · {streetName.get(top.streetCode) ?? top.streetCode} · {top.code}
        </div>
      </div>
      {list.length > 1 ? <div className="wall-emergency__more">{t('wall.emergencyMore', { n: list.length - 1 })}</div> : null}
    </div>
  );
}

// ── ticker ─────────────────────────────────────────────────────────

function Ticker({
  lines,
  streetName,
  categoryName,
}: {
  lines: TickerLine[];
  version: string;
  streetName: ReadonlyMap<string, string>;
  categoryName: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  return (
    <footer className="wall__ticker" data-testid="wall-ticker">
      <div className="ticker__label">
        <span className="wall__dot" />
        {t('wall.ticker')}
      </div>
      <ol className="ticker__list">
        {lines.length === 0 ? <li className="ticker__empty">{t('wall.noEvents')}</li> : null}
        {lines.slice(0, 12).map((l) => {
          const c = cstParts(l.at);
          const street = l.streetCode ? (streetName.get(l.streetCode) ?? '') : '';
          const cat = l.categoryCode ? (categoryName.get(l.categoryCode) ?? '') : '';
          return (
            <li key={l.id} className={`ticker__item tone--${l.tone}`}>
              <span className="ticker__time mono">
                {c.hh}:{c.mm}
              </span>
              {street ? <span className="ticker__street">{street}</span> : null}
              {cat ? <span className="ticker__cat">{cat}</span> : null}
              <span className="ticker__what">{t(`wall.tick.${l.what}`, l.values)}</span>
            </li>
          );
        })}
      </ol>
    </footer>
  );
}
