/** Shared bits of the insights views: the district base map, map errors as toasts, the test hook, windows. */
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { cstDateKey, DAY_MS } from '@gridcommand/shared/domain';
import { useArea, useAreas } from '../api/queries.ts';
import type { TimeWindow } from '../api/stats.ts';
import type { MapLabels } from '../map/MapView.tsx';
import { areaLabels } from '../map/layers/labels.ts';
import { isValidBBox } from '../map/bounds.ts';
import { useToasts } from '../panels/Toasts.tsx';
import { DISTRICT_CODE } from '../pages/MapPage.tsx';

export type Tab = 'density' | 'choropleth' | 'charts';
export const EMPTY: never[] = [];

declare global {
  interface Window {
    __GC_INSIGHTS__?: { ready: boolean; tab: Tab };
  }
}

/** The window of the same length just before `w` (for "compare with the previous period"). */
export function previousWindow(w: TimeWindow): TimeWindow {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  const len = to - from;
  return { from: new Date(from - len).toISOString(), to: new Date(from).toISOString() };
}

export function days(w: TimeWindow): number {
  return Math.max(1, Math.round((Date.parse(w.to) - Date.parse(w.from)) / DAY_MS));
}

export function fmtWindow(w: TimeWindow): string {
  const a = cstDateKey(Date.parse(w.from));
  const b = cstDateKey(Date.parse(w.to) - 1);
  return a === b ? a : `${a} — ${b}`;
}

export function useBaseMap() {
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const labels = useMemo<MapLabels>(
    () => ({ streets: areaLabels(streets.data?.items ?? EMPTY), zones: EMPTY, communities: EMPTY, grids: EMPTY }),
    [streets.data],
  );
  const bbox = district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;
  return { labels, bbox, fallback: district.isError };
}

export function useMapError() {
  const toasts = useToasts();
  const { t } = useTranslation();
  return useCallback((key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }), [toasts, t]);
}

export function markReady(tab: Tab) {
  window.__GC_INSIGHTS__ = { ready: true, tab };
}

export function noop() {
  /* selection is handled by the page */
}
