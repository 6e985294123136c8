/** What the wall draws over its map: the caption, the density legend, the emergency banner and the ticker. */
import { useTranslation } from 'react-i18next';
import { LIGHTS } from '@gridcommand/shared/domain';
import { cstParts, fmtInt } from './format.ts';
import type { WallMode } from './params.ts';
import type { TickerLine, WallStore } from './store.ts';

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

export function MapCaption({ mode, store, breaks, heatTotal }: { mode: WallMode; store: WallStore; version: string; breaks: readonly number[]; heatTotal: number | null }) {
  const { t } = useTranslation();
  const lights = LIGHTS.filter((l) => l !== 'none');
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
              {t(`labels.light.${l}`)}
            </span>
          ))}
          <span className="map-caption__count mono">{t('wall.casesOnMap', { n: store.cases.size.toLocaleString('zh-CN') })}</span>
        </div>
      )}
    </div>
  );
}

export function EmergencyBanner({ store, streetName, now }: { store: WallStore; version: string; streetName: ReadonlyMap<string, string>; now: number }) {
  const { t } = useTranslation();
  void now; // re-evaluated every second: an emergency leaves the banner after its time
  const list = store.activeEmergencies();
  const top = list[0];
  if (!top) return null;
  const c = cstParts(Date.parse(top.reportedAt));
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

export function Ticker({
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
              <span className="ticker__what">{t(l.key, l.values)}</span>
            </li>
          );
        })}
      </ol>
    </footer>
  );
}
