/** The map page's switch of specialist layers (专业网格), with the chosen layer's key; shown inside the legend. */
import { useTranslation } from 'react-i18next';
import type { SpecialistLayer } from '@gridcommand/shared/schemas';
import './i18n.ts';
import './specialist.css';

export interface SpecialistSwitchProps {
  layers: readonly SpecialistLayer[];
  active: string | null;
  onChange(code: string | null): void;
}

function Swatch({ color, width, opacity }: { color: string; width: number; opacity: number }) {
  return (
    <svg className="legend__swatch" viewBox="0 0 28 16" aria-hidden="true">
      <rect x="2" y="2" width="24" height="12" rx="2" fill={color} fillOpacity={opacity} stroke={color} strokeWidth={width} />
    </svg>
  );
}

export function SpecialistSwitch({ layers, active, onChange }: SpecialistSwitchProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === 'zh-CN';
  const current = layers.find((l) => l.code === active) ?? null;
  if (layers.length === 0) return null;
  return (
    <div className="specialist" data-testid="specialist-switch">
      <div className="legend__ramp-label">{t('specialist.layers')}</div>
      <div className="specialist__seg" role="radiogroup" aria-label={t('specialist.layers')}>
        {[null, ...layers].map((l) => {
          const on = (l?.code ?? null) === active;
          return (
            <button
              key={l?.code ?? 'none'}
              type="button"
              role="radio"
              aria-checked={on}
              className={`specialist__opt${on ? ' is-on' : ''}`}
              style={l && on ? { borderColor: l.color, color: l.color } : undefined}
              data-testid={`specialist-${l?.code ?? 'none'}`}
              onClick={() => onChange(l?.code ?? null)}
              title={l ? (zh ? l.name : l.nameEn) : t('specialist.none')}
            >
              {l ? (zh ? l.name.replace(/网格$|区$/, '') : l.nameEn.replace(/ (grids|zones)$/, '')) : t('specialist.none')}
            </button>
          );
        })}
      </div>
      {current ? (
        <ul className="legend__rows" data-testid="specialist-legend">
          <li className="legend__row">
            <Swatch color={current.color} width={2} opacity={0.3} />
            <span>
              {zh ? current.name : current.nameEn}
              {current.levels === 2 ? ` · ${t('specialist.level1')}` : ''}
              <span className="specialist__n"> {current.grids}</span>
            </span>
          </li>
          {current.levels === 2 ? (
            <li className="legend__row">
              <Swatch color={current.color} width={0.8} opacity={0.15} />
              <span>
                {zh ? current.name : current.nameEn} · {t('specialist.level2')}
              </span>
            </li>
          ) : null}
          <li className="legend__row specialist__dept">{zh ? current.department.name : current.department.nameEn}</li>
        </ul>
      ) : null}
    </div>
  );
}
