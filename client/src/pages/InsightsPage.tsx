/**
 * Leaders' insights (/insights): case density on a FIXED scale (one period, or two side by side on synced
 * maps), choropleths of the assessment indicators by grid / zone / street (feature-state by id on the vector
 * tiles), and trend charts. Needs a signed-in user (leader, admin, dispatcher); a 401 shows a link to log in.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addCstDays, cstDateKey } from '@gridcommand/shared/domain';
import { ApiError } from '../api/http.ts';
import { useSession } from '../api/session.ts';
import { useCategories } from '../api/queries.ts';
import { customWindow, presetWindow, type TimeWindow } from '../api/stats.ts';
import { ExportLinks } from '../panels/ExportLinks.tsx';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import '../wall/insights.css';
import { ChartsView } from '../insights/ChartsView.tsx';
import { ChoroplethView } from '../insights/ChoroplethView.tsx';
import { DensityView } from '../insights/DensityView.tsx';
import { EMPTY, type Tab } from '../insights/insights-common.ts';

type Preset = 'today' | '7d' | '30d' | 'custom';

function windowOf(preset: Preset, custom: { from: string; to: string }): TimeWindow {
  return preset === 'custom' ? customWindow(custom.from, custom.to) : presetWindow(preset);
}

export function InsightsPage() {
  const { t, i18n } = useTranslation();
  const me = useSession();
  const [tab, setTab] = useState<Tab>('density');
  const [preset, setPreset] = useState<Preset>('7d');
  const today = cstDateKey(Date.now());
  const [custom, setCustom] = useState({ from: addCstDays(today, -13), to: today });
  const [category, setCategory] = useState<string>('');
  const [compare, setCompare] = useState(false);
  const win = useMemo(() => windowOf(preset, custom), [preset, custom]);

  const categories = useCategories();
  const majors = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of categories.data?.items ?? EMPTY) m.set(c.majorCode, i18n.language === 'en' ? c.majorNameEn : c.majorName);
    return [...m.entries()];
  }, [categories.data, i18n.language]);

  const unauthorized = me.error instanceof ApiError && (me.error.statusCode === 401 || me.error.statusCode === 403);

  useEffect(() => {
    window.__GC_INSIGHTS__ = { ready: false, tab };
    return () => {
      delete window.__GC_INSIGHTS__;
    };
  }, [tab]);

  if (unauthorized) {
    return <LockedPanel title={t('insights.title')} message={t('insights.unauthorized')} next="/insights" login={t('insights.login')} testId="insights-unauthorized" />;
  }

  return (
    <div className="insights" data-testid={`insights-${tab}`}>
      <header className="insights__head">
        <div className="insights__brand">
          <h1>{t('insights.title')}</h1>
          <span>{t('insights.subtitle')}</span>
        </div>
        <nav className="seg">
          {(['density', 'choropleth', 'charts'] as const).map((k) => (
            <button key={k} type="button" className={`seg__btn${tab === k ? ' is-active' : ''}`} data-testid={`insights-tab-${k}`} onClick={() => setTab(k)}>
              {t(`insights.tabs.${k}`)}
            </button>
          ))}
        </nav>
        <div className="insights__filters">
          <label className="field">
            <span>{t('insights.window')}</span>
            <select value={preset} onChange={(e) => setPreset(e.target.value as Preset)} data-testid="insights-window">
              {(['today', '7d', '30d', 'custom'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`insights.windows.${p}`)}
                </option>
              ))}
            </select>
          </label>
          {preset === 'custom' ? (
            <>
              <label className="field">
                <span>{t('insights.from')}</span>
                <input type="date" value={custom.from} max={custom.to} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, from: e.target.value }))} />
              </label>
              <label className="field">
                <span>{t('insights.to')}</span>
                <input type="date" value={custom.to} min={custom.from} max={today} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, to: e.target.value }))} />
              </label>
            </>
          ) : null}
          {tab === 'density' ? (
            <>
              <label className="field">
                <span>{t('insights.category')}</span>
                <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="insights-category">
                  <option value="">{t('insights.allCategories')}</option>
                  {majors.map(([code, name]) => (
                    <optgroup key={code} label={name}>
                      <option value={code}>{name}</option>
                      {(categories.data?.items ?? EMPTY)
                        .filter((c) => c.majorCode === code)
                        .map((c) => (
                          <option key={c.code} value={c.code}>
                            　{i18n.language === 'en' ? c.nameEn : c.name}
                          </option>
                        ))}
                    </optgroup>
                  ))}
                </select>
              </label>
              <label className="check">
                <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} data-testid="insights-compare" />
                <span>{t('insights.compare')}</span>
              </label>
            </>
          ) : null}
          <ExportLinks base="/api/register" formats={['csv', 'xlsx']} what="register" query={{ from: win.from, to: win.to, category: tab === 'density' ? category : '' }} />
          <a className="seg__btn" href="/insights/indicators" data-testid="insights-indicators-link">{t('indicators.link')}</a>
          <LanguageSwitch />
        </div>
      </header>
      <main className="insights__body">
        {tab === 'density' ? <DensityView win={win} category={category || null} compare={compare} /> : null}
        {tab === 'choropleth' ? <ChoroplethView win={win} /> : null}
        {tab === 'charts' ? <ChartsView win={win} /> : null}
      </main>
    </div>
  );
}
