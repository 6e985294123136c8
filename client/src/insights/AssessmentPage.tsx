/**
 * The monthly assessment (/insights/assessment, 月度考核): the leader's review of a unit's grid workers and community
 * heads for a month — each duty's points, the total, the band, the bonus and the consequence (停职 / 留岗查看 in red);
 * a row opens to what moved it. Export as Excel; a leader approves (审定) the month. Rules: docs/assessment.md.
 */
import { Fragment, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DUTIES, cstDateKey, reviewMonth } from '@gridcommand/shared/domain';
import type { AssessmentLine, AssessmentSheet, AssessmentSheetRow } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { useLoginRedirect, useSession } from '../api/session.ts';
import { keys } from '../api/keys.ts';
import { useAreas } from '../api/queries.ts';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import './assessment-i18n.ts';
import '../wall/insights.css';
import './indicators.css';
import './assessment.css';

/** 'own': no unit asked, the server answers with the caller's unit (the district for the district centre) */
type Level = 'own' | 'district' | 'street' | 'community';
const LEVELS: Level[] = ['own', 'district', 'street', 'community'];
const FAIL_BELOW = { head: 85, staff: 80 } as const;

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, ''));
/** Each duty's points and fulfilment: from the lines, or from a district row's brief arrays (DUTIES order). */
const cells = (r: AssessmentSheetRow) =>
  r.lines ? r.lines.map((l) => ({ duty: l.duty, points: l.points, fulfilment: l.fulfilment })) : DUTIES.map((duty, i) => ({ duty, points: r.points?.[i] ?? 0, fulfilment: r.fulfilment?.[i] ?? 1 }));

export function AssessmentPage() {
  const { t } = useTranslation();
  const me = useSession();
  const anonymous = useLoginRedirect(me.error, '/insights/assessment');
  const user = me.data?.user;
  const thisMonth = cstDateKey(Date.now()).slice(0, 7);
  const [month, setMonth] = useState(() => reviewMonth(new Date()));
  const [level, setLevel] = useState<Level>('own');
  const [code, setCode] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const picks = level === 'street' || level === 'community';
  const areas = useAreas(level === 'community' ? 'community' : 'street');
  const districtArea = useAreas('district');
  const options = useMemo(() => (picks ? (areas.data?.items ?? []).map((a) => ({ code: a.code, name: a.name })) : []), [picks, areas.data]);
  const unit = level === 'own' ? '' : level === 'district' ? (districtArea.data?.items[0]?.code ?? '') : code || options[0]?.code || '';
  const ready = !!user && (level === 'own' || unit !== '');
  const query = `month=${month}${unit ? `&unit=${unit}` : ''}`;
  const qc = useQueryClient();
  const sheet = useQuery({
    queryKey: keys.assessment.sheet(month, unit),
    queryFn: ({ signal }) => apiFetch<AssessmentSheet>(`/api/assessment?${query}`, { signal }),
    enabled: ready,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const close = useMutation({
    mutationFn: (s: AssessmentSheet) => apiFetch('/api/assessment/close', { method: 'POST', body: { month: s.month, unit: s.unit.code }, headers: { 'idempotency-key': `close-${s.month}-${s.unit.code}` } }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.assessment.all() }),
  });

  if (me.isLoading || anonymous) return <div className="insights insights--locked">{t('assessment.loading')}</div>;
  if (!user) return <LockedPanel title={t('assessment.title')} message={t('assessment.unauthorized')} next="/insights/assessment" login={t('assessment.login')} testId="assessment-unauthorized" />;

  const body = sheet.data;
  const failed = sheet.error instanceof Error ? sheet.error.message : close.error instanceof Error ? close.error.message : null;
  const mayClose = user.role === 'leader' || user.role === 'admin';
  const rows = body?.rows ?? [];
  const low = rows.filter((r) => r.total < FAIL_BELOW[r.kind]).length;
  const avg = rows.length ? rows.reduce((s, r) => s + r.total, 0) / rows.length : 0;
  const yuan = rows.reduce((s, r) => s + r.yuan, 0);

  return (
    <div className="insights ind asm" data-testid="assessment-page">
      <header className="insights__head">
        <div className="insights__brand">
          <h1>{t('assessment.title')}</h1>
          <span>{t('assessment.subtitle')}</span>
        </div>
        <div className="insights__filters">
          <label className="field">
            <span>{t('assessment.month')}</span>
            <input type="month" value={month} max={thisMonth} onChange={(e) => e.target.value && setMonth(e.target.value)} data-testid="asm-month" />
          </label>
          <label className="field">
            <span>{t('assessment.level')}</span>
            <select value={level} onChange={(e) => { setLevel(e.target.value as Level); setCode(''); }} data-testid="asm-level">
              {LEVELS.map((l) => <option key={l} value={l}>{t(`assessment.levels.${l}`)}</option>)}
            </select>
          </label>
          {picks && (
            <label className="field">
              <span>{t('assessment.unit')}</span>
              <select value={unit} onChange={(e) => setCode(e.target.value)} data-testid="asm-unit">
                {options.map((o) => <option key={o.code} value={o.code}>{o.name}</option>)}
              </select>
            </label>
          )}
          <a className="ind__link" href={`/api/assessment.xlsx?${query}`} download data-testid="asm-xlsx">{t('assessment.excel')}</a>
          {mayClose && body && !body.closed && rows.length > 0 && (
            <button
              type="button"
              className="asm__close"
              disabled={close.isPending}
              onClick={() => window.confirm(t('assessment.confirmClose')) && close.mutate(body)}
              data-testid="asm-close"
            >
              {close.isPending ? t('assessment.closing') : t('assessment.close')}
            </button>
          )}
          <a className="ind__link" href="/insights/indicators">{t('assessment.back')}</a>
          <LanguageSwitch />
        </div>
      </header>
      <main className="ind__body asm__body">
        <section className="ind__card">
          <div className="ind__title">
            <h2 data-testid="asm-unit-name">{body ? `${body.unit.name} · ${body.month}` : '—'}</h2>
            {body && (
              <span className={`asm__state${body.closed ? ' is-closed' : ''}`} data-testid="asm-state">
                {body.closed ? t('assessment.closed') : t('assessment.provisional')} · {t('assessment.days', { n: body.days })}
              </span>
            )}
          </div>
          {failed && <div className="ind__error">{failed}</div>}
          {body && rows.length > 0 && (
            <p className="asm__summary" data-testid="asm-summary">
              {t('assessment.summary', { n: rows.length, avg: avg.toFixed(1), yuan: yuan.toLocaleString(), low })}
            </p>
          )}
          {body && body.unassignedGrids.length > 0 && (
            <p className="ind__note" title={body.unassignedGrids.slice(0, 200).join(' ')} data-testid="asm-unassigned">
              {t('assessment.unassigned', { n: body.unassignedGrids.length, list: body.unassignedGrids.slice(0, 3).join('、') })}
            </p>
          )}
          {body && rows.length === 0 && <p className="ind__dim">{t('assessment.empty')}</p>}
          {rows.length > 0 && (
            <table className="ind__table asm__table" data-testid="asm-table">
              <thead>
                <tr>
                  <th>{t('assessment.cols.name')}</th>
                  <th>{t('assessment.cols.community')}</th>
                  {DUTIES.map((d) => <th key={d} className="num">{t(`assessment.duties.${d}`)}</th>)}
                  <th className="num">{t('assessment.cols.total')}</th>
                  <th className="num">{t('assessment.cols.band')}</th>
                  <th className="num">{t('assessment.cols.bonus')}</th>
                  <th>{t('assessment.cols.flag')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <Fragment key={r.subjectId}>
                    <tr className={`asm__row${open === r.subjectId ? ' is-open' : ''}${r.total < FAIL_BELOW[r.kind] ? ' is-low' : ''}`} onClick={() => setOpen(open === r.subjectId ? null : r.subjectId)} data-testid={`asm-row-${r.subjectId}`}>
                      <td>
                        <span className="asm__name">{r.subjectName}</span>
                        <span className={`asm__kind asm__kind--${r.kind}`}>{t(`assessment.kinds.${r.kind}`)}</span>
                        {r.payeeId !== r.subjectId && <span className="asm__cover">{t('assessment.coveredBy', { name: r.payeeName })}</span>}
                        {r.kind === 'head' && r.grids.length > 0 && <span className="asm__cover">{t('assessment.vacant', { n: r.grids.length })}</span>}
                      </td>
                      <td className="ind__dim">{r.communityName ?? '—'}</td>
                      {cells(r).map((l) => (
                        <td key={l.duty} className={`num${l.fulfilment < 0.6 ? ' asm__weak' : ''}`}>{num(l.points)}</td>
                      ))}
                      <td className="num asm__total">{num(r.total)}<span className="ind__dim">/{r.maxScore}</span></td>
                      <td className="num">{Math.round(r.share * 100)}%</td>
                      <td className="num">{r.yuan.toLocaleString()}</td>
                      <td>{r.consequence !== 'none' && <span className="asm__flag" data-testid="asm-flag">{t(`assessment.consequences.${r.consequence}`)}</span>}</td>
                    </tr>
                    {open === r.subjectId && (
                      <tr className="asm__detail">
                        <td colSpan={DUTIES.length + 6}>
                          <Moved r={r} month={month} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  );
}

/**
 * Per duty: done / due, the fulfilment as a bar, points of the weight; and the previous months' scores. A district
 * row comes without its lines: they are read from the sheet of the row's community (or street).
 */
function Moved({ r, month }: { r: AssessmentSheetRow; month: string }) {
  const { t } = useTranslation();
  const home = r.communityCode ?? r.streetCode ?? '';
  const local = useQuery({
    queryKey: keys.assessment.sheet(month, home),
    queryFn: ({ signal }) => apiFetch<AssessmentSheet>(`/api/assessment?month=${month}&unit=${home}`, { signal }),
    enabled: !r.lines && home !== '',
    retry: false,
  });
  const lines: AssessmentLine[] = r.lines ?? local.data?.rows.find((x) => x.subjectId === r.subjectId)?.lines ?? [];
  return (
    <div className="asm__moved" data-testid="asm-moved">
      <h3>{t('assessment.moved')}</h3>
      {!r.lines && local.isLoading && <p className="ind__dim">{t('assessment.loading')}</p>}
      <div className="asm__lines">
        {lines.map((l) => (
          <div key={l.duty} className="asm__line">
            <span className="asm__duty">{t(`assessment.duties.${l.duty}`)}</span>
            <span className="ind__dim">{`${num(l.done)} / ${num(l.of)}`}</span>
            <span className="asm__bar"><span style={{ width: `${Math.round(l.fulfilment * 100)}%` }} className={l.fulfilment < 0.6 ? 'is-weak' : ''} /></span>
            <span className="num">{`${num(l.points)} / ${num(l.weight)}`}</span>
          </div>
        ))}
      </div>
      <p className="ind__dim">
        {t('assessment.previous')}: {r.previous.map((p) => (p === null ? t('assessment.none') : num(p))).join(' · ')}
      </p>
    </div>
  );
}
