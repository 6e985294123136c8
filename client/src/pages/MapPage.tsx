import { useCallback, useEffect, useState } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useViewportScale } from '../map/useViewportScale.ts';
import { useTranslation } from 'react-i18next';
import { MapView } from '../map/MapView.tsx';
import { DISTRICT_CODE, useGeography } from '../map/useGeography.ts';
import { isValidBBox } from '../map/bounds.ts';
import { Header, type HeaderStat } from '../panels/Header.tsx';
import { Legend } from '../panels/Legend.tsx';
import { GridPanel } from '../panels/GridPanel.tsx';
import { useToasts } from '../panels/Toasts.tsx';
import { ExportLinks } from '../panels/ExportLinks.tsx';
import { SpecialistSwitch } from '../specialist/SpecialistSwitch.tsx';
import { useSpecialistLayers } from '../specialist/api.ts';
import { showSpecialistLayer } from '../specialist/mapLayer.ts';

/** GB/T 2260 code of the district this deployment governs. */
export { DISTRICT_CODE } from '../map/useGeography.ts';

const EMPTY: never[] = [];

/** The district map: boundaries, labels, hover and a grid profile on click. */
export function MapPage() {
  const { t, i18n } = useTranslation();
  const toasts = useToasts();
  const uiScale = useViewportScale(2);

  const { district, streets, zones, communities, gridByCode, labels, watchViewport } = useGeography();

  const [selected, setSelected] = useState<string | null>(null);
  const close = useCallback(() => setSelected(null), []);

  // the specialist layer shown over the grids (专业网格), null: none
  const specialistLayers = useSpecialistLayers();
  const [specialist, setSpecialist] = useState<string | null>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  useEffect(() => {
    if (map) showSpecialistLayer(map, specialistLayers.data?.items.find((l) => l.code === specialist) ?? null);
  }, [map, specialist, specialistLayers.data]);
  const onMapLoad = useCallback((m: MapLibreMap | null) => {
    setMap(m);
    if (m) watchViewport(m);
  }, [watchViewport]);

  // the district's own counts (GET /api/areas/:code): no page reads every grid to count them
  const counts = district.data?.counts;

  const onMapError = useCallback(
    (key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }),
    [toasts, t],
  );

  const districtBBox = district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;

  const stats: HeaderStat[] = [
    { key: 'streets', label: t('stats.streets'), value: streets.data ? streets.data.items.length : null },
    { key: 'zones', label: t('stats.zones'), value: zones.data ? zones.data.items.length : null },
    { key: 'communities', label: t('stats.communities'), value: communities.data ? communities.data.items.length : null },
    { key: 'grids', label: t('stats.grids'), value: counts ? counts.grids : null },
    { key: 'vacant', label: t('stats.vacant'), value: counts ? counts.vacantGrids : null, tone: 'warn' },
  ];

  const districtName = i18n.language === 'zh-CN' && district.data?.name ? district.data.name : t('app.district');

  return (
    <div className="page page--map">
      <MapView
        fitBBox={districtBBox}
        fitFallback={district.isError}
        labels={labels}
        selectedGridCode={selected}
        onSelectGrid={setSelected}
        onMapError={onMapError}
        uiScale={uiScale}
        onMapLoad={onMapLoad}
      />
      <Header districtName={districtName} districtCode={DISTRICT_CODE} stats={stats} />
      <Legend>
        <SpecialistSwitch layers={specialistLayers.data?.items ?? EMPTY} active={specialist} onChange={setSpecialist} />
      </Legend>
      <ExportLinks base="/api/areas" formats={['geojson']} what="grids" query={{ level: 'grid' }} className="exports--map" />
      {selected !== null ? <GridPanel key={selected} code={selected} summary={gridByCode.get(selected)} onClose={close} /> : null}
    </div>
  );
}
