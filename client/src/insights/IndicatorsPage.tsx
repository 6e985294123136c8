/**
 * The assessment indicators (/insights/indicators, 考核指标): a unit (district, street, zone, community, grid), a
 * department or a grid worker's post, over a day, week, month, quarter, year or custom window; every rate beside
 * what the unit's case mix predicts with its 95 % interval; the monthly ranking of streets and departments on the
 * 三率 with the best and worst named; Excel exports of both. Definitions: docs/indicators.md.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { COUNT_KEYS, INDICATOR_LABELS, cstDateKey, formatCstDateTime, toPercent, type IndicatorPeriod } from '@gridcommand/shared/domain';
import type { IndicatorRate, Indicators, Ranking } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { useLoginRedirect, useSession } from '../api/session.ts';
import { keys } from '../api/keys.ts';
import { useAreas } from '../api/queries.ts';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import './indicators-i18n.ts';
import './bulletin-i18n.ts';
import './assessment-i18n.ts';
import '../wall/insights.css';
import './indicators.css';

type Kind = 'district' | 'street' | 'zone' | 'community' | 'grid' | 'department' | 'worker';
const KINDS: Kind[] = ['district', 'street', 'zone', 'community', 'grid', 'department', 'worker'];
const PERIODS: IndicatorPeriod[] = ['day', 'week', 'month', 'quarter', 'year', 'custom'];
const ALL_SCOPES = new Set(['admin', 'leader', 'dispatcher']);

const pct = (v: number | null) => (v === null ? '—' : `${toPercent(v, 1)!.toFixed(1)}%`);
const hrs = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export function IndicatorsPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const me = useSession();
  const anonymous = useLoginRedirect(me.error, '/insights/indicators');
  const user = me.data?.user;
  const free = user ? ALL_SCOPES.has(user.role) : false;

  const today = cstDateKey(Date.now());
  const [kind, setKind] = useState<Kind>('street');
  const [code, setCode] = useState('');
  const [period, setPeriod] = useState<IndicatorPeriod>('month');
  const [anchor, setAnchor] = useState(today);
  const [custom, setCustom] = useState({ from: `${today.slice(0, 8)}01`, to: today });
  const [rankKind, setRankKind] = useState<'street' | 'department'>('street');
  const [month, setMonth] = useState(today.slice(0, 7));

  // handlers see their department, workers their own post
  const fixedKind: Kind | null = user?.role === 'handler' ? 'department' : user?.role === 'worker' ? 'worker' : null;
  const effKind = fixedKind ?? kind;
  const areaLevel = effKind === 'department' || effKind === 'worker' ? 'street' : effKind;
  const areas = useAreas(areaLevel);
  const departments = useQuery({
    queryKey: keys.indicators.departments(),
    queryFn: ({ signal }) => apiFetch<{ items: { code: string; name: string; nameEn: string }[] }>('/api/departments', { signal }),
    staleTime: 60 * 60_000,
  });
  const options = useMemo(() => {
    if (effKind === 'department') return (departments.data?.items ?? []).map((d) => ({ code: d.code, name: locale === 'en' ? d.nameEn : d.name }));
    if (effKind === 'worker' || effKind === 'district') return [];
    return (areas.data?.items ?? []).map((a) => ({ code: a.code, name: a.name }));
  }, [effKind, areas.data, departments.data, locale]);
  const chosen = fixedKind === 'department' ? (user?.departmentCode ?? '') : fixedKind === 'worker' ? String(user?.id ?? '') : code || options[0]?.code || '';

  const query = useMemo(() => {
    const q = new URLSearchParams();
    if (effKind === 'department') q.set('dept', chosen);
    else if (effKind === 'worker') q.set('worker', chosen);
    else if (effKind !== 'district') q.set('unit', chosen);
    q.set('period', period);
    if (period === 'custom') {
      q.set('from', custom.from);
      q.set('to', custom.to);
    } else q.set('from', anchor);
    return q.toString();
  }, [effKind, chosen, period, anchor, custom]);
  const ready = !!user && (effKind === 'district' || chosen !== '');
  const data = useQuery({
    queryKey: keys.indicators.one(query),
    queryFn: ({ signal }) => apiFetch<Indicators>(`/api/indicators?${query}`, { signal }),
    enabled: ready,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const rankQuery = `kind=${rankKind}&period=month&month=${month}`;
  const ranking = useQuery({
    queryKey: keys.indicators.ranking(rankQuery),
    queryFn: ({ signal }) => apiFetch<Ranking>(`/api/indicators/ranking?${rankQuery}`, { signal }),
    enabled: !!user,
    placeholderData: keepPreviousData,
    retry: false,
  });

  if (me.isLoading || anonymous) return <div className="insights insights--locked">{t('indicators.loading')}</div>;
  if (!user) return <LockedPanel title={t('indicators.title')} message={t('indicators.unauthorized')} next="/insights/indicators" login={t('indicators.login')} testId="indicators-unauthorized" />;

  const label = (k: keyof typeof INDICATOR_LABELS) => INDICATOR_LABELS[k][locale];
  const failed = data.error instanceof Error ? data.error.message : null;
  const body = data.data;

  return (
    <div className="insights ind" data-testid="indicators-page">
      <header className="insights__head">
        <div className="insights__brand">
          <h1>{t('indicators.title')}</h1>
          <span>{t('indicators.subtitle')}</span>
        </div>
        <div className="insights__filters">
          <label className="field">
            <span>{t('indicators.scope')}</span>
            <select value={effKind} disabled={!free} onChange={(e) => { setKind(e.target.value as Kind); setCode(''); }} data-testid="ind-kind">
              {KINDS.filter((k) => free || k === fixedKind).map((k) => (
                <option key={k} value={k}>{t(`indicators.kinds.${k}`)}</option>
              ))}
            </select>
          </label>
          {effKind === 'worker' ? (
            <label className="field">
              <span>{t('indicators.workerId')}</span>
              <input className="ind__short" inputMode="numeric" value={chosen} disabled={!free} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} data-testid="ind-worker" />
            </label>
          ) : effKind !== 'district' ? (
            <label className="field">
              <span>{t('indicators.unit')}</span>
              <select value={chosen} disabled={!free} onChange={(e) => setCode(e.target.value)} data-testid="ind-unit">
                {options.map((o) => (
                  <option key={o.code} value={o.code}>{o.name}</option>
                ))}
              </select>
            </label>
          ) : null}
          <div className="seg" role="group" aria-label={t('indicators.period')}>
            {PERIODS.map((p) => (
              <button key={p} type="button" className={`seg__btn${period === p ? ' is-active' : ''}`} onClick={() => setPeriod(p)} data-testid={`ind-period-${p}`}>
                {t(`indicators.periods.${p}`)}
              </button>
            ))}
          </div>
          {period === 'custom' ? (
            <>
              <label className="field">
                <span>{t('indicators.from')}</span>
                <input type="date" value={custom.from} max={custom.to} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, from: e.target.value }))} />
              </label>
              <label className="field">
                <span>{t('indicators.to')}</span>
                <input type="date" value={custom.to} min={custom.from} max={today} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, to: e.target.value }))} />
              </label>
            </>
          ) : (
            <label className="field">
              <span>{t('indicators.anchor')}</span>
              <input type="date" value={anchor} max={today} onChange={(e) => e.target.value && setAnchor(e.target.value)} data-testid="ind-anchor" />
            </label>
          )}
          <a className="ind__link" href={`/api/indicators.xlsx?${query}`} download data-testid="ind-xlsx">{t('indicators.excel')}</a>
          <a className="ind__link" href="/insights/assessment" data-testid="ind-assessment">{t('assessment.link')}</a>
          <a className="ind__link" href="/insights/bulletin" data-testid="ind-bulletin">{t('bulletin.link')}</a>
          <a className="ind__link" href="/insights">{t('indicators.back')}</a>
          <LanguageSwitch />
        </div>
      </header>
      <main className="ind__body">
        <section className="ind__card ind__main">
          <div className="ind__title">
            <h2 data-testid="ind-scope">{body ? `${body.scope.name} · ${t(`indicators.kinds.${body.scope.kind}`)}` : '—'}</h2>
            {body && <span className="ind__window">{`${cstDateKey(Date.parse(body.from))} — ${cstDateKey(Date.parse(body.to) - 1)}`}</span>}
            {body?.asOf && (
              <span className="ind__window ind__asof" data-testid="ind-as-of">
                {t('indicators.asOf', { time: formatCstDateTime(Date.parse(body.asOf)) })}
              </span>
            )}
          </div>
          {failed && <div className="ind__error">{failed}</div>}
          {body && (
            <>
              <div className="ind__counts" data-testid="ind-counts">
                {COUNT_KEYS.map((k) => (
                  <div key={k} className="ind__count">
                    <strong>{body.counts[k].toLocaleString()}</strong>
                    <span>{label(k)}</span>
                  </div>
                ))}
                {body.personal && (
                  <>
                    <div className="ind__count ind__count--own"><strong>{body.personal.reported}</strong><span>{t('indicators.personalReported')}</span></div>
                    <div className="ind__count ind__count--own"><strong>{body.personal.verifications}</strong><span>{t('indicators.personalVerified')}</span></div>
                  </>
                )}
              </div>
              <table className="ind__table" data-testid="ind-table">
                <thead>
                  <tr>
                    <th>{t('indicators.cols.indicator')}</th>
                    <th className="num">{t('indicators.cols.value')}</th>
                    <th className="num">{t('indicators.cols.n')}</th>
                    <th className="num">{t('indicators.cols.expected')}</th>
                    <th>{t('indicators.cols.interval')}</th>
                    <th>{t('indicators.cols.verdict')}</th>
                  </tr>
                </thead>
                <tbody>
                  {body.rates.map((r) => (
                    <tr key={r.key} data-rate={r.key}>
                      <td>{label(r.key)}</td>
                      <td className="num ind__value">{pct(r.value)}</td>
                      <td className="num ind__dim">{r.n === 0 ? t('indicators.noData') : `${r.hits} / ${r.n}`}</td>
                      <td className="num">{pct(r.expected)}</td>
                      <td><IntervalBar r={r} /></td>
                      <td>{r.verdict ? <span className={`ind__badge ind__badge--${r.verdict}`}>{t(`indicators.verdicts.${r.verdict}`)}</span> : <span className="ind__dim">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="ind__durations">
                <h3>{t('indicators.durations')}</h3>
                {(['respond', 'resolve'] as const).map((k) => (
                  <div key={k} className="ind__duration">
                    <span>{t(`indicators.${k}`)}</span>
                    <span>{t('indicators.mean')} <strong>{hrs(body.durations[k].mean)}</strong></span>
                    <span>{t('indicators.p90')} <strong>{hrs(body.durations[k].p90)}</strong></span>
                    <span className="ind__dim">n = {body.durations[k].n}</span>
                  </div>
                ))}
              </div>
              <p className="ind__note">{t('indicators.fairNote')}</p>
            </>
          )}
        </section>
        <section className="ind__card ind__side" data-testid="ind-ranking">
          <div className="ind__title">
            <h2>{t('indicators.ranking')}</h2>
            {ranking.data?.asOf && <span className="ind__window">{t('indicators.asOf', { time: formatCstDateTime(Date.parse(ranking.data.asOf)) })}</span>}
          </div>
          <div className="ind__rankbar">
            <div className="seg">
              {(['street', 'department'] as const).map((k) => (
                <button key={k} type="button" className={`seg__btn${rankKind === k ? ' is-active' : ''}`} onClick={() => setRankKind(k)} data-testid={`ind-rank-${k}`}>
                  {t(`indicators.rankingKinds.${k}`)}
                </button>
              ))}
            </div>
            <label className="field">
              <span>{t('indicators.month')}</span>
              <input type="month" value={month} max={today.slice(0, 7)} onChange={(e) => e.target.value && setMonth(e.target.value)} />
            </label>
            <a className="ind__link" href={`/api/indicators/ranking.xlsx?${rankQuery}`} download>{t('indicators.excel')}</a>
          </div>
          {ranking.data && <RankingTable r={ranking.data} label={label} />}
        </section>
      </main>
    </div>
  );
}

/** The 95 % interval of the expected value as a band on 0–100 %, the measured value as a tick. */
function IntervalBar({ r }: { r: IndicatorRate }) {
  if (r.low === null || r.high === null) return <span className="ind__dim">—</span>;
  const cls = r.verdict === 'better' ? 'is-better' : r.verdict === 'worse' ? 'is-worse' : '';
  return (
    <span className="ind__bar" title={`${pct(r.low)} – ${pct(r.high)}`}>
      <span className="ind__band" style={{ left: `${r.low * 100}%`, width: `${Math.max(0.5, (r.high - r.low) * 100)}%` }} />
      {r.expected !== null && <span className="ind__exp" style={{ left: `${r.expected * 100}%` }} />}
      {r.value !== null && <span className={`ind__tick ${cls}`} style={{ left: `${r.value * 100}%` }} />}
      <span className="ind__range">{`${pct(r.low)}–${pct(r.high)}`}</span>
    </span>
  );
}

function RankingTable({ r, label }: { r: Ranking; label: (k: 'response' | 'resolution' | 'satisfaction' | 'onTimeClosure') => string }) {
  const { t } = useTranslation();
  const rates = ['response', 'resolution', 'satisfaction', 'onTimeClosure'] as const;
  const mark = (k: (typeof rates)[number], code: string) => (r.best[k]?.code === code ? ' is-best' : r.worst[k]?.code === code ? ' is-worst' : '');
  return (
    <>
      <div className="ind__extremes">
        {rates.map((k) => (
          <div key={k} className="ind__extreme">
            <span>{label(k)}</span>
            <span className="is-best">▲ {r.best[k]?.name ?? '—'}</span>
            <span className="is-worst">▼ {r.worst[k]?.name ?? '—'}</span>
          </div>
        ))}
      </div>
      <table className="ind__table ind__table--rank">
        <thead>
          <tr>
            <th className="num">{t('indicators.rank')}</th>
            <th>{t('indicators.name')}</th>
            {rates.map((k) => <th key={k} className="num">{label(k)}</th>)}
          </tr>
        </thead>
        <tbody>
          {r.items.map((i) => (
            <tr key={i.code} data-code={i.code}>
              <td className="num ind__dim">{i.rank}</td>
              <td>{i.name}</td>
              {rates.map((k) => (
                <td key={k} className={`num${mark(k, i.code)}`}>{pct(i[k].value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
