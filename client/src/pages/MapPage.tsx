import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useViewportScale } from '../map/useViewportScale.ts';
import { useTranslation } from 'react-i18next';
import { useArea, useAreas, useGrids } from '../api/queries.ts';
import type { GridProperties } from '../api/types.ts';
import { MapView, type MapLabels } from '../map/MapView.tsx';
import { areaLabels, gridLabels } from '../map/layers/labels.ts';
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
export const DISTRICT_CODE = '370211';

const EMPTY: never[] = [];


/** The district map: boundaries, labels, hover and a grid profile on click. */
export function MapPage() {
  const { t, i18n } = useTranslation();
  const toasts = useToasts();
  const uiScale = useViewportScale(2);

  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const zones = useAreas('zone');
  const communities = useAreas('community');
  const grids = useGrids();

  const [selected, setSelected] = useState<string | null>(null);
  const close = useCallback(() => setSelected(null), []);

  // the specialist layer shown over the grids (专业网格), null: none
  const specialistLayers = useSpecialistLayers();
  const [specialist, setSpecialist] = useState<string | null>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  useEffect(() => {
    if (map) showSpecialistLayer(map, specialistLayers.data?.items.find((l) => l.code === specialist) ?? null);
  }, [map, specialist, specialistLayers.data]);

  const gridProps = useMemo<GridProperties[]>(
    () => (grids.data?.features ?? EMPTY).map((f) => f.properties).filter((p): p is GridProperties => p != null),
    [grids.data],
  );
  const gridByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p])), [gridProps]);
  const gridIdByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p.id])), [gridProps]);
  const vacantGridIds = useMemo(() => gridProps.filter((p) => p.vacancy).map((p) => p.id), [gridProps]);

  const labels = useMemo<MapLabels>(
    () => ({
      streets: areaLabels(streets.data?.items ?? EMPTY),
      zones: areaLabels(zones.data?.items ?? EMPTY),
      communities: areaLabels(communities.data?.items ?? EMPTY),
      grids: gridLabels(gridProps),
    }),
    [streets.data, zones.data, communities.data, gridProps],
  );

  const onMapError = useCallback(
    (key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }),
    [toasts, t],
  );

  const districtBBox = district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;

  const stats: HeaderStat[] = [
    { key: 'streets', label: t('stats.streets'), value: streets.data ? streets.data.items.length : null },
    { key: 'zones', label: t('stats.zones'), value: zones.data ? zones.data.items.length : null },
    { key: 'communities', label: t('stats.communities'), value: communities.data ? communities.data.items.length : null },
    { key: 'grids', label: t('stats.grids'), value: grids.data ? gridProps.length : null },
    { key: 'vacant', label: t('stats.vacant'), value: grids.data ? vacantGridIds.length : null, tone: 'warn' },
  ];

  const districtName = i18n.language === 'zh-CN' && district.data?.name ? district.data.name : t('app.district');

  return (
    <div className="page page--map">
      <MapView
        fitBBox={districtBBox}
        fitFallback={district.isError}
        labels={labels}
        vacantGridIds={vacantGridIds}
        gridIdByCode={gridIdByCode}
        selectedGridCode={selected}
        onSelectGrid={setSelected}
        onMapError={onMapError}
        uiScale={uiScale}
        onMapLoad={setMap}
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
