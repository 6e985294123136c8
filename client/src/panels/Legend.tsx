import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { palette } from '../map/theme.ts';

type Swatch = { kind: 'line'; color: string; width: number; glow?: boolean; dashed?: boolean } | { kind: 'fill'; color: string; stroke: string };

function SwatchIcon({ s }: { s: Swatch }) {
  if (s.kind === 'fill') {
    return (
      <svg className="legend__swatch" viewBox="0 0 28 16" aria-hidden="true">
        <rect x="2" y="2" width="24" height="12" rx="2" fill={s.color} fillOpacity="0.55" stroke={s.stroke} strokeWidth="1.2" />
      </svg>
    );
  }
  return (
    <svg className="legend__swatch" viewBox="0 0 28 16" aria-hidden="true">
      {s.glow ? <line x1="2" y1="8" x2="26" y2="8" stroke={s.color} strokeWidth={s.width * 3.5} strokeOpacity="0.25" strokeLinecap="round" /> : null}
      <line x1="2" y1="8" x2="26" y2="8" stroke={s.color} strokeWidth={s.width} strokeLinecap="round" strokeDasharray={s.dashed ? '4 3' : undefined} />
    </svg>
  );
}

/** Small key to the map's colours, lower left; `children` (the specialist layer switch) below the density ramp. */
export function Legend({ children }: { children?: ReactNode } = {}) {
  const { t } = useTranslation();
  const rows: { key: string; label: string; swatch: Swatch }[] = [
    { key: 'district', label: t('legend.district'), swatch: { kind: 'line', color: palette.districtLine, width: 2, glow: true } },
    { key: 'street', label: t('legend.street'), swatch: { kind: 'line', color: palette.streetLine, width: 2.4 } },
    { key: 'zone', label: t('legend.zone'), swatch: { kind: 'line', color: palette.zoneLine, width: 1.5 } },
    { key: 'grid', label: t('legend.grid'), swatch: { kind: 'fill', color: palette.gridMid, stroke: palette.gridLine } },
    { key: 'hover', label: t('legend.hover'), swatch: { kind: 'fill', color: palette.hover, stroke: palette.hover } },
    { key: 'selected', label: t('legend.selected'), swatch: { kind: 'fill', color: palette.selected, stroke: palette.selected } },
    { key: 'vacancy', label: t('legend.vacancy'), swatch: { kind: 'line', color: palette.vacancy, width: 2, dashed: true } },
  ];
  return (
    <aside className="legend card" aria-label={t('legend.title')}>
      <div className="card__title">{t('legend.title')}</div>
      <ul className="legend__rows">
        {rows.map((r) => (
          <li key={r.key} className="legend__row">
            <SwatchIcon s={r.swatch} />
            <span>{r.label}</span>
          </li>
        ))}
      </ul>
      <div className="legend__ramp">
        <span className="legend__ramp-label">{t('legend.density')}</span>
        <div className="legend__ramp-bar" style={{ background: `linear-gradient(90deg, ${palette.gridLow}, ${palette.gridMid}, ${palette.gridHigh})` }} />
        <div className="legend__ramp-ends">
          <span>{t('legend.low')}</span>
          <span>{t('legend.high')}</span>
        </div>
      </div>
      {children}
    </aside>
  );
}
