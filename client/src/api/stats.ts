/**
 * Wire shapes and react-query hooks of the statistics, map-state, team and supervision endpoints used by the
 * wall (/wall) and the leaders' insights (/insights). Rates are fractions 0..1 or null (no denominator);
 * format them with `toPercent` from @gridcommand/shared/domain.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Category, Supervision } from '@gridcommand/shared/schemas';
import { apiFetch } from './http.ts';

// Wire shapes come from the shared TypeBox schemas (the server validates its answers against the same ones).
export type {
  StatsPeriod as Period,
  StatsOverview as Overview,
  StreetRankItem as StreetStat,
  GridLightItem,
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
  OpenCaseItem,
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
/**
 * An open case as the client holds it: from the snapshot, or built from a stream event before its details
 * are known (grid not resolved yet, state and priority as the event says).
 */
export type OpenCase = Omit<OpenCaseItem, 'gridId' | 'priority' | 'status'> & { gridId: number | null; priority: string; status: string };
export type ChoroplethLevel = ChoroplethResponse['level'];

export interface TimeWindow {
  from: string;
  to: string;
}

export const statsKeys = {
  overview: (period: Period, street: string | null) => ['stats', 'overview', period, street] as const,
  streets: (period: Period) => ['stats', 'streets', period] as const,
  gridLights: () => ['map', 'grid-lights'] as const,
  openCases: () => ['map', 'open-cases'] as const,
  teams: () => ['teams'] as const,
  supervision: () => ['supervision', 'open'] as const,
  heatmap: (q: string) => ['stats', 'heatmap', q] as const,
  heatmapScale: (category: string) => ['stats', 'heatmap-scale', category] as const,
  choropleth: (q: string) => ['stats', 'choropleth', q] as const,
  area: (code: string, w: TimeWindow) => ['stats', 'area', code, w.from, w.to] as const,
  trend: (by: TrendBy, w: TimeWindow, category: string) => ['stats', 'trend', by, w.from, w.to, category] as const,
  categories: () => ['categories'] as const,
};

function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Headline numbers of a period (optionally one street). */
export function useOverview(period: Period, street: string | null = null, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: statsKeys.overview(period, street),
    queryFn: ({ signal }) => apiFetch<Overview>(`/api/stats/overview${qs({ period, street })}`, { signal }),
    staleTime: 5_000,
    refetchInterval: opts.refetchInterval ?? false,
    placeholderData: keepPreviousData,
  });
}

export function useStreetStats(period: Period, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: statsKeys.streets(period),
    queryFn: ({ signal }) => apiFetch<{ items: StreetStat[] }>(`/api/stats/streets${qs({ period })}`, { signal }),
    staleTime: 5_000,
    refetchInterval: opts.refetchInterval ?? false,
    placeholderData: keepPreviousData,
  });
}

/** The snapshot of grid lights; live changes arrive by the stream afterwards. */
export function useGridLights() {
  return useQuery({
    queryKey: statsKeys.gridLights(),
    queryFn: ({ signal }) => apiFetch<GridLights>('/api/map/grid-lights', { signal }),
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

export function useOpenCases() {
  return useQuery({
    queryKey: statsKeys.openCases(),
    queryFn: ({ signal }) => apiFetch<OpenCases>('/api/map/open-cases', { signal }),
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

export function useTeams(opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: statsKeys.teams(),
    queryFn: ({ signal }) => apiFetch<TeamListResponse>('/api/teams', { signal }),
    staleTime: 30_000,
    refetchInterval: opts.refetchInterval ?? false,
  });
}

export function useOpenSupervision(opts: { refetchInterval?: number; street?: string | null } = {}) {
  return useQuery({
    queryKey: [...statsKeys.supervision(), opts.street ?? null],
    queryFn: ({ signal }) =>
      apiFetch<{ items: Supervision[]; total?: number }>(`/api/supervision${qs({ status: 'open', limit: 100, street: opts.street })}`, { signal }),
    staleTime: 10_000,
    refetchInterval: opts.refetchInterval ?? false,
    placeholderData: keepPreviousData,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: statsKeys.categories(),
    queryFn: ({ signal }) => apiFetch<{ items: Category[] }>('/api/categories', { signal }),
    staleTime: Infinity,
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
    queryKey: statsKeys.heatmap(query),
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
    queryKey: statsKeys.heatmapScale(query),
    queryFn: ({ signal }) => apiFetch<{ breaks: number[] }>(`/api/stats/heatmap/scale${query}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useChoropleth(level: ChoroplethLevel, metric: ChoroplethMetric, w: TimeWindow) {
  const query = qs({ level, metric, from: w.from, to: w.to });
  return useQuery({
    queryKey: statsKeys.choropleth(query),
    queryFn: ({ signal }) => apiFetch<ChoroplethResponse>(`/api/stats/choropleth${query}`, { signal }),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

export function useAreaStats(code: string | null, w: TimeWindow) {
  return useQuery({
    queryKey: statsKeys.area(code ?? '', w),
    queryFn: ({ signal }) => apiFetch<AreaStats>(`/api/stats/area/${encodeURIComponent(code ?? '')}${qs({ from: w.from, to: w.to })}`, { signal }),
    enabled: code !== null,
    staleTime: 60_000,
  });
}

export function useTrend(by: TrendBy, w: TimeWindow, category: string | null = null) {
  return useQuery({
    queryKey: statsKeys.trend(by, w, category ?? ''),
    queryFn: ({ signal }) => apiFetch<TrendResponse>(`/api/stats/trend${qs({ from: w.from, to: w.to, by, category })}`, { signal }),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

/** Calendar dates (China Standard Time) as YYYY-MM-DD. */
export function cstDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Start of a CST calendar day as an ISO date-time with its offset. */
export function cstDayStart(date: string): string {
  return `${date}T00:00:00+08:00`;
}

/**
 * A preset window ending now: today (since CST midnight), the last 7 or 30 calendar days including today.
 * ISO date-times with the +08:00 offset, `to` exclusive, rounded to the minute (stable query keys).
 */
export function presetWindow(preset: 'today' | '7d' | '30d', now = new Date()): TimeWindow {
  const day = 86_400_000;
  const back = preset === 'today' ? 0 : preset === '7d' ? 6 : 29;
  const from = cstDayStart(cstDate(new Date(now.getTime() - back * day)));
  const to = new Date(Math.ceil(now.getTime() / 60_000) * 60_000).toISOString();
  return { from, to };
}

/** A custom window of whole CST days, both ends included. */
export function customWindow(fromDate: string, toDate: string): TimeWindow {
  const end = new Date(new Date(cstDayStart(toDate)).getTime() + 86_400_000);
  return { from: cstDayStart(fromDate), to: end.toISOString() };
}
