/**
 * Wire shapes and react-query hooks of the statistics, map-state, team and supervision endpoints used by the
 * wall (/wall) and the leaders' insights (/insights). Rates are fractions 0..1 or null (no denominator);
 * format them with `toPercent` from @gridcommand/shared/domain.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Supervision } from '@gridcommand/shared/schemas';
import { cstDate, addCstDays, formatCstIso, periodWindow, type DateKey, type PeriodPreset } from '@gridcommand/shared/domain';
import { apiFetch } from './http.ts';
import { keys } from './keys.ts';

// Wire shapes come from the shared TypeBox schemas (the server validates its answers against the same ones).
export type {
  StatsPeriod as Period,
  StatsOverview as Overview,
  StreetRankItem as StreetStat,
  GridLightItem,
  OpenCaseItem as OpenCase,
  Team,
  TeamStatus,
  HeatmapMode,
  Heatmap as HeatmapResponse,
  ChoroplethMetric,
  Choropleth as ChoroplethResponse,
  AreaStats,
  TrendBy,
  Trend as TrendResponse,
} from '@gridcommand/shared/schemas';
import type {
  StatsPeriod as Period,
  StatsOverview as Overview,
  StreetRankItem as StreetStat,
  GridLights,
  OpenCases,
  TeamListResponse,
  HeatmapMode,
  Heatmap as HeatmapResponse,
  ChoroplethMetric,
  Choropleth as ChoroplethResponse,
  AreaStats,
  TrendBy,
  Trend as TrendResponse,
} from '@gridcommand/shared/schemas';

export type HexCell = { lon: number; lat: number; count: number };
export type ChoroplethLevel = ChoroplethResponse['level'];

/** A query window: ISO 8601 instants, `to` exclusive. */
export interface TimeWindow {
  from: string;
  to: string;
}

function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Headline numbers of a period (optionally one street). */
export function useOverview(period: Period, street: string | null = null, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: keys.stats.overview(period, street),
    queryFn: ({ signal }) => apiFetch<Overview>(`/api/stats/overview${qs({ period, street })}`, { signal }),
    staleTime: 5_000,
    refetchInterval: opts.refetchInterval ?? false,
    placeholderData: keepPreviousData,
  });
}

export function useStreetStats(period: Period, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: keys.stats.streets(period),
    queryFn: ({ signal }) => apiFetch<{ items: StreetStat[] }>(`/api/stats/streets${qs({ period })}`, { signal }),
    staleTime: 5_000,
    refetchInterval: opts.refetchInterval ?? false,
    placeholderData: keepPreviousData,
  });
}

/** The snapshot of grid lights; live changes arrive by the stream afterwards. */
export function useGridLights() {
  return useQuery({
    queryKey: keys.gridLights(),
    queryFn: ({ signal }) => apiFetch<GridLights>('/api/map/grid-lights', { signal }),
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

export function useOpenCases() {
  return useQuery({
    queryKey: keys.openCases(),
    queryFn: ({ signal }) => apiFetch<OpenCases>('/api/map/open-cases', { signal }),
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

export function useTeams(opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: keys.teams(),
    queryFn: ({ signal }) => apiFetch<TeamListResponse>('/api/teams', { signal }),
    staleTime: 30_000,
    refetchInterval: opts.refetchInterval ?? false,
  });
}

export function useOpenSupervision(opts: { refetchInterval?: number; street?: string | null } = {}) {
  return useQuery({
    queryKey: keys.supervisionOpenIn(opts.street ?? null),
    queryFn: ({ signal }) =>
      apiFetch<{ items: Supervision[]; total?: number }>(`/api/supervision${qs({ status: 'open', limit: 100, street: opts.street })}`, { signal }),
    staleTime: 10_000,
    refetchInterval: opts.refetchInterval ?? false,
    placeholderData: keepPreviousData,
  });
}

export interface HeatmapQuery extends TimeWindow {
  category?: string | null;
  mode: HeatmapMode;
  bbox?: string | null;
  cellKm?: number | null;
}

export function useHeatmap(q: HeatmapQuery | null) {
  const query = q ? qs({ from: q.from, to: q.to, category: q.category, mode: q.mode, bbox: q.bbox, cellKm: q.cellKm }) : '';
  return useQuery({
    queryKey: keys.stats.heatmap(query),
    queryFn: ({ signal }) => apiFetch<HeatmapResponse>(`/api/stats/heatmap${query}`, { signal }),
    enabled: q !== null,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

/**
 * The fixed colour scale of a category: the same breaks for every period of `days` days, so two periods
 * compare (the server derives it from a fixed basis, not from the data on screen).
 */
export function useHeatmapScale(category: string | null, opts: { mode?: 'hex' | 'grid'; cellKm?: number; days?: number } = {}) {
  const query = qs({ category, mode: opts.mode, cellKm: opts.mode === 'grid' ? null : opts.cellKm, days: opts.days });
  return useQuery({
    queryKey: keys.stats.heatmapScale(query),
    queryFn: ({ signal }) => apiFetch<{ breaks: number[] }>(`/api/stats/heatmap/scale${query}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useChoropleth(level: ChoroplethLevel, metric: ChoroplethMetric, w: TimeWindow) {
  const query = qs({ level, metric, from: w.from, to: w.to });
  return useQuery({
    queryKey: keys.stats.choropleth(query),
    queryFn: ({ signal }) => apiFetch<ChoroplethResponse>(`/api/stats/choropleth${query}`, { signal }),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

export function useAreaStats(code: string | null, w: TimeWindow) {
  return useQuery({
    queryKey: keys.stats.area(code ?? '', w),
    queryFn: ({ signal }) => apiFetch<AreaStats>(`/api/stats/area/${encodeURIComponent(code ?? '')}${qs({ from: w.from, to: w.to })}`, { signal }),
    enabled: code !== null,
    staleTime: 60_000,
  });
}

export function useTrend(by: TrendBy, w: TimeWindow, category: string | null = null) {
  return useQuery({
    queryKey: keys.stats.trend(by, w, category ?? ''),
    queryFn: ({ signal }) => apiFetch<TrendResponse>(`/api/stats/trend${qs({ from: w.from, to: w.to, by, category })}`, { signal }),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

/**
 * A preset window ending now, the same window the server's `periodWindow` gives for the preset (China time,
 * shared/src/domain/china-time.ts): today since 00:00 CST, the month since the 1st, "7d" / "30d" the last 7 / 30
 * CST calendar days including today. ISO 8601 with the +08:00 offset; `to` is rounded up to the minute so the
 * query keys stay stable for a minute.
 */
export function presetWindow(preset: PeriodPreset, now = new Date()): TimeWindow {
  const w = periodWindow(preset, now);
  return { from: formatCstIso(w.from), to: formatCstIso(Math.ceil(w.to.getTime() / 60_000) * 60_000) };
}

/** A custom window of whole CST days, both ends included. */
export function customWindow(fromDate: DateKey, toDate: DateKey): TimeWindow {
  return { from: formatCstIso(cstDate(fromDate)), to: formatCstIso(cstDate(addCstDays(toDate, 1))) };
}
