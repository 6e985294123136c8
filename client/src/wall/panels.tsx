/** The wall's side columns: KPI tiles, lights, street ranking, overdue and supervision lists, density ranking, teams. */
import { useTranslation } from 'react-i18next';
import { isOverdue, LIGHTS, toPercent, type Light } from '@gridcommand/shared/domain';
import type { Supervision } from '@gridcommand/shared/schemas';
import type { Overview, StreetStat } from '../api/stats.ts';
import { TEAM_STATUS_RGBA } from '../map/layers/live.ts';
import { ageText, fmtInt, fmtRate, rgba } from './format.ts';
import { DensityLegend } from './overlays.tsx';
import { byUrgency, type WallCase, type WallStore } from './store.ts';

const KPI_KEYS = ['reported', 'filed', 'closed', 'inProgress', 'escalated', 'overdue', 'supervised'] as const;

export function KpiBlock({ id, title, data, primary = false }: { id: string; title: string; data: Overview | null; primary?: boolean }) {
  const { t } = useTranslation();
  const prefix = id === 'today' ? 'kpi' : `kpi-${id}`;
  return (
    <section className={`wall-card kpis${primary ? ' kpis--primary' : ''}`}>
      <h2 className="wall-card__title">
        <span>{title}</span>
      </h2>
      <div className="kpis__rates">
        <RateRing testid={`${prefix}-closureRate`} label={t('wall.kpi.closureRate')} value={data?.closureRate ?? null} />
        <RateRing testid={`${prefix}-onTimeClosureRate`} label={t('wall.kpi.onTimeClosureRate')} value={data?.onTimeClosureRate ?? null} />
      </div>
      <div className="kpis__grid">
        {KPI_KEYS.map((k) => (
          <div key={k} className={`kpi kpi--${k}`} data-testid={`${prefix}-${k}`}>
            <div className={`kpi__value mono${fmtInt(data ? data[k] : null).length > 4 ? ' kpi__value--long' : ''}`}>{fmtInt(data ? data[k] : null)}</div>
            <div className="kpi__label">{t(`wall.kpi.${k}`)}</div>
          </div>
        ))}
      </div>
    </section>
  );
}

export function RateRing({ label, value, testid }: { label: string; value: number | null; testid: string }) {
  const pct = toPercent(value, 1);
  const frac = pct === null ? 0 : Math.max(0, Math.min(1, pct / 100));
  const r = 42;
  const circ = 2 * Math.PI * r;
  const tone = pct === null ? 'none' : pct >= 90 ? 'good' : pct >= 75 ? 'warn' : 'bad';
  return (
    <div className={`ring ring--${tone}`} data-testid={testid}>
      <svg viewBox="0 0 100 100" className="ring__svg" aria-hidden="true">
        <circle cx="50" cy="50" r={r} className="ring__track" />
        <circle cx="50" cy="50" r={r} className="ring__bar" strokeDasharray={`${circ * frac} ${circ}`} transform="rotate(-90 50 50)" />
      </svg>
      <div className="ring__text">
        <div className="ring__value mono">
          {fmtRate(value)}
          {pct !== null ? <small>%</small> : null}
        </div>
        <div className="ring__label">{label}</div>
      </div>
    </div>
  );
}

export function LightBar({ store, overview }: { store: WallStore; version: string; overview: Overview | null }) {
  const { t } = useTranslation();
  const counts = store.countByLight();
  const fromApi = overview?.byLight;
  const values = {
    green: fromApi?.green ?? counts.green,
    due_soon: fromApi?.due_soon ?? counts.due_soon,
    yellow: fromApi?.yellow ?? counts.yellow,
    red: fromApi?.red ?? counts.red,
  };
  const total = Math.max(1, values.green + values.due_soon + values.yellow + values.red);
  const order = LIGHTS.filter((l): l is Exclude<Light, 'none'> => l !== 'none');
  return (
    <section className="wall-card lights" data-testid="wall-lights">
      <h2 className="wall-card__title">
        <span>{t('wall.openNow')}</span>
        <span className="mono lights__total">{fmtInt(overview?.openTotal ?? store.cases.size)}</span>
      </h2>
      <div className="lights__bar">
        {order.map((k) => (
          <span key={k} className={`lights__seg light--${k}`} style={{ flexGrow: values[k] / total }} />
        ))}
      </div>
      <div className="lights__legend">
        {order.map((k) => (
          <div key={k} className="lights__item" data-testid={`light-${k}`}>
            <span className={`lights__swatch light--${k}`} />
            <span className="lights__name">{t(`labels.light.${k}`)}</span>
            <span className="mono lights__n">{fmtInt(values[k])}</span>
          </div>
        ))}
      </div>
    </section>
  );
}

export function Ranking({ items, focus }: { items: StreetStat[] | null; focus: string | null }) {
  const { t } = useTranslation();
  const rows = items ?? [];
  return (
    <section className="wall-card ranking" data-testid="wall-ranking">
      <h2 className="wall-card__title">
        <span>{t('wall.ranking')}</span>
        <span className="wall-card__hint">{t('wall.rankingHint')}</span>
      </h2>
      <div className="ranking__head">
        <span />
        <span>{t('wall.rankCols.street')}</span>
        <span>{t('wall.rankCols.reported')}</span>
        <span>{t('wall.rankCols.open')}</span>
        <span>{t('wall.rankCols.rate')}</span>
      </div>
      <ol className="ranking__list">
        {rows.length === 0 ? <li className="wall-empty">{t('wall.noData')}</li> : null}
        {rows.map((s, i) => {
          const pct = toPercent(s.onTimeClosureRate, 1);
          return (
            <li key={s.code} className={`ranking__row${s.code === focus ? ' is-focus' : ''}${i < 3 ? ' is-top' : ''}`}>
              <span className="ranking__rank mono">{i + 1}</span>
              <span className="ranking__name">{s.name}</span>
              <span className="mono">{fmtInt(s.reported)}</span>
              <span className={`mono${s.overdue > 0 ? ' is-warn' : ''}`}>{fmtInt(s.open)}</span>
              <span className="ranking__rate">
                <span className="ranking__bar" style={{ width: `${pct ?? 0}%` }} />
                <span className="mono">{pct === null ? '—' : `${pct.toFixed(1)}%`}</span>
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function OverduePanel({
  store,
  supervision,
  streetName,
  categoryName,
}: {
  store: WallStore;
  version: string;
  supervision: Supervision[] | null;
  streetName: ReadonlyMap<string, string>;
  categoryName: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const overdue: WallCase[] = [];
  for (const c of store.cases.values()) if (isOverdue(c.status, c.light)) overdue.push(c);
  overdue.sort(byUrgency);
  const now = Date.now();
  return (
    <>
      <section className="wall-card overdue" data-testid="wall-overdue">
        <h2 className="wall-card__title">
          <span>{t('wall.overdueList')}</span>
          <span className="mono">{fmtInt(overdue.length)}</span>
        </h2>
        <ul className="caselist">
          {overdue.length === 0 ? <li className="wall-empty">{t('wall.noOverdue')}</li> : null}
          {overdue.slice(0, 12).map((c) => (
            <li key={c.id} className={`caselist__row light-edge--${c.light}`}>
              <span className={`pill light--${c.light}`}>{t(`labels.light.${c.light}`)}</span>
              <span className="caselist__main">
                <span className="caselist__title">{c.title || categoryName.get(c.categoryCode) || c.code}</span>
                <span className="caselist__meta">
                  {streetName.get(c.streetCode) ?? ''} · {categoryName.get(c.categoryCode) ?? c.categoryCode}
                </span>
              </span>
              <span className="caselist__age mono">{ageText(now - Date.parse(c.reportedAt))}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="wall-card supervision" data-testid="wall-supervision">
        <h2 className="wall-card__title">
          <span>{t('wall.supervisionList')}</span>
          <span className="mono">{fmtInt(supervision?.length ?? null)}</span>
        </h2>
        <ul className="caselist">
          {supervision && supervision.length === 0 ? <li className="wall-empty">{t('wall.noSupervision')}</li> : null}
          {(supervision ?? []).slice(0, 8).map((s) => (
            <li key={s.id} className={`caselist__row light-edge--${s.level}`}>
              <span className={`pill light--${s.level}`}>{s.level === 'red' ? '大督查' : '督办'}</span>
              <span className="caselist__main">
                <span className="caselist__title">{s.case.title}</span>
                <span className="caselist__meta">
                  {s.noticeNo} · {s.case.streetName} · {s.case.categoryName}
                </span>
              </span>
              <span className="caselist__age mono">{ageText(now - Date.parse(s.openedAt))}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function HeatPanel({ items, breaks }: { items: StreetStat[] | null; breaks: readonly number[] }) {
  const { t } = useTranslation();
  const rows = [...(items ?? [])].sort((a, b) => (b.per10k ?? 0) - (a.per10k ?? 0)).slice(0, 10);
  const max = Math.max(1, ...rows.map((r) => r.per10k ?? 0));
  return (
    <>
      <section className="wall-card" data-testid="wall-heat-legend">
        <h2 className="wall-card__title">
          <span>{t('wall.heatTitle')}</span>
        </h2>
        <DensityLegend breaks={breaks} label={t('wall.heatLegend')} />
      </section>
      <section className="wall-card ranking">
        <h2 className="wall-card__title">
          <span>{t('insights.metrics.per10k')}</span>
          <span className="wall-card__hint">{t('wall.today')}</span>
        </h2>
        <ol className="bars">
          {rows.length === 0 ? <li className="wall-empty">{t('wall.noData')}</li> : null}
          {rows.map((r) => (
            <li key={r.code} className="bars__row">
              <span className="bars__name">{r.name}</span>
              <span className="bars__track">
                <span className="bars__fill" style={{ width: `${((r.per10k ?? 0) / max) * 100}%` }} />
              </span>
              <span className="mono bars__n">{(r.per10k ?? 0).toFixed(2)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function TeamBoard({ store }: { store: WallStore; version: string }) {
  const { t } = useTranslation();
  const teams = [...store.teams.values()];
  const order = ['on_scene', 'en_route', 'available', 'off_duty'] as const;
  const count = Object.fromEntries(order.map((s) => [s, teams.filter((x) => x.status === s).length])) as Record<(typeof order)[number], number>;
  teams.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.name.localeCompare(b.name, 'zh-CN'));
  return (
    <section className="wall-card teams" data-testid="wall-teams">
      <h2 className="wall-card__title">
        <span>{t('wall.teamsTitle')}</span>
        <span className="mono">{fmtInt(teams.length)}</span>
      </h2>
      <div className="teams__counts">
        {order.map((s) => (
          <div key={s} className="teams__count">
            <span className="teams__dot" style={{ background: rgba(TEAM_STATUS_RGBA[s]!) }} />
            <span className="teams__n mono">{count[s]}</span>
            <span className="teams__label">{t(`labels.teamStatus.${s}`)}</span>
          </div>
        ))}
      </div>
      <ul className="teams__list">
        {teams.length === 0 ? <li className="wall-empty">{t('wall.noTeams')}</li> : null}
        {teams.slice(0, 16).map((tm) => (
          <li key={tm.id} className="teams__row">
            <span className="teams__dot" style={{ background: rgba(TEAM_STATUS_RGBA[tm.status] ?? TEAM_STATUS_RGBA.off_duty!) }} />
            <span className="teams__name">{tm.name}</span>
            <span className="teams__members">{t('wall.members', { n: tm.memberCount })}</span>
            <span className={`teams__status teams__status--${tm.status}`}>{t(`labels.teamStatus.${tm.status}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
