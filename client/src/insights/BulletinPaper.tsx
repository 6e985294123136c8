/**
 * A bulletin laid out as a printed government bulletin (红头): the red title, 第N期, the issuing centre and the period
 * under a red rule, then the sections 一、二、三… Counts link to the case register (an Excel download with the same
 * filter) where the register has one: the period's reports, a street's reports, each overdue case, a street's backlog.
 */
import { useTranslation } from 'react-i18next';
import { INDICATOR_LABELS, toPercent } from '@gridcommand/shared/domain';
import type { Bulletin } from '@gridcommand/shared/schemas';

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八'];
type Section = 'headline' | 'streets' | 'departments' | 'overdue' | 'backlog' | 'trend' | 'zero';
const ORDER: Section[] = ['headline', 'streets', 'departments', 'overdue', 'backlog', 'trend', 'zero'];
type UnitRate = 'onTimeClosure' | 'closure' | 'response' | 'resolution' | 'satisfaction';
const UNIT_RATES: UnitRate[] = ['closure', 'onTimeClosure', 'response', 'resolution', 'satisfaction'];

const pct = (v: number | null) => (v === null ? '—' : `${toPercent(v, 1)!.toFixed(1)}%`);
const cst = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** The register (销号台账) as Excel, filtered; the user's scope applies on the server. */
export function registerHref(filter: Record<string, string>): string {
  return `/api/register.xlsx?${new URLSearchParams(filter).toString()}`;
}

export function BulletinPaper({ b, locale }: { b: Bulletin; locale: 'zh-CN' | 'en' }) {
  const { t } = useTranslation();
  const label = (k: keyof typeof INDICATOR_LABELS) => INDICATOR_LABELS[k][locale];
  const sections = ORDER.filter((s) => s !== 'trend' || b.kind !== 'daily');
  const head = (s: Section, i: number) => (
    <h2 className="bul__h2">
      {locale === 'zh-CN' ? `${NUMERALS[i]}、` : `${i + 1}. `}
      {t(`bulletin.sections.${s}`)}
    </h2>
  );
  const count = (k: 'reported' | 'filed' | 'closed') => b.headline.find((h) => h.key === k)!.value ?? 0;
  const inPeriod = { from: b.period.from, to: b.period.to };

  return (
    <article className="bul__paper" data-testid="bulletin-paper">
      <header className="bul__red">
        <h1 data-testid="bulletin-title">{b.title}</h1>
        <div className="bul__issue">{t('bulletin.issue', { year: b.year, issue: b.issue })}</div>
        <div className="bul__meta">
          <span>{t('bulletin.centre', { district: b.district.name })}</span>
          <span>
            {t('bulletin.period')}：{b.period.first === b.period.last ? b.period.first : `${b.period.first} — ${b.period.last}`}
            {b.partial && t('bulletin.partial')}
          </span>
        </div>
        <div className="bul__rule" />
      </header>

      {sections.map((s, i) => (
        <section key={s} className="bul__section" data-section={s}>
          {head(s, i)}
          {s === 'headline' && (
            <>
              <p>
                {t('bulletin.headlineText', { reported: count('reported'), filed: count('filed'), closed: count('closed') })}{' '}
                <a className="bul__a" href={registerHref(inPeriod)} data-testid="bul-reported-link">{t('bulletin.register')}</a>
              </p>
              <table className="bul__table">
                <thead>
                  <tr><th>{t('bulletin.cols.indicator')}</th><th className="num">{t('bulletin.cols.current')}</th><th className="num">{t('bulletin.cols.ratio')}</th><th className="num">{t('bulletin.cols.previous')}</th><th className="num">{t('bulletin.cols.change')}</th></tr>
                </thead>
                <tbody>
                  {b.headline.map((h) => (
                    <tr key={h.key} data-key={h.key}>
                      <td>{label(h.key)}</td>
                      <td className="num bul__strong">
                        {h.key === 'reported' ? <a className="bul__a" href={registerHref(inPeriod)}>{h.value}</a> : h.rate ? pct(h.value) : h.value}
                      </td>
                      <td className="num bul__dim">{h.rate ? `${h.hits} / ${h.n}` : ''}</td>
                      <td className="num">{h.rate ? pct(h.previous) : h.previous}</td>
                      <td className={`num bul__chg${h.change.arrow === '↑' ? ' is-up' : h.change.arrow === '↓' ? ' is-down' : ''}`}>
                        {h.change.delta === null ? '—' : `${h.change.arrow} ${Math.abs(h.change.delta)}${h.rate ? ` ${t('bulletin.points')}` : ''}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {(s === 'streets' || s === 'departments') && <UnitTable table={s === 'streets' ? b.streets : b.departments} streets={s === 'streets'} period={inPeriod} label={label} />}
          {s === 'overdue' && (
            <>
              <p>{t('bulletin.overdueText', { total: b.overdue.total, n: b.overdue.items.length })}</p>
              <table className="bul__table" data-testid="bul-overdue">
                <thead>
                  <tr><th>{t('bulletin.cols.code')}</th><th>{t('bulletin.cols.category')}</th><th>{t('bulletin.cols.street')}</th><th>{t('bulletin.cols.holder')}</th><th>{t('bulletin.cols.resolveBy')}</th><th className="num">{t('bulletin.cols.overdue')}</th></tr>
                </thead>
                <tbody>
                  {b.overdue.items.length === 0 && <tr><td colSpan={6} className="bul__dim">{t('bulletin.none')}</td></tr>}
                  {b.overdue.items.map((c) => (
                    <tr key={c.id}>
                      <td><a className="bul__a bul__mono" href={registerHref({ q: c.code })}>{c.code}</a></td>
                      <td>{c.categoryName}</td>
                      <td>{c.streetName}</td>
                      <td>{c.holderName}{c.departmentName ? ` · ${c.departmentName}` : ''}</td>
                      <td className="bul__mono">{cst(c.resolveBy)}</td>
                      <td className="num bul__strong">{c.overdueHours.toFixed(1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {s === 'backlog' && (
            <>
              <p>{t('bulletin.backlogText', { atStart: b.backlog.atStart, closed: b.backlog.closedInPeriod, open: b.backlog.openAtEnd })}</p>
              <table className="bul__table" data-testid="bul-backlog">
                <thead>
                  <tr><th>{t('bulletin.cols.street')}</th><th className="num">{t('bulletin.cols.atStart')}</th><th className="num">{t('bulletin.cols.closedIn')}</th><th className="num">{t('bulletin.cols.openEnd')}</th></tr>
                </thead>
                <tbody>
                  {b.backlog.byStreet.filter((r) => r.atStart > 0).length === 0 && <tr><td colSpan={4} className="bul__dim">{t('bulletin.none')}</td></tr>}
                  {b.backlog.byStreet.filter((r) => r.atStart > 0).map((r) => (
                    <tr key={r.code}>
                      <td>{r.name}</td>
                      {/* the register filters by street and reporting time: the cases reported before the period, backlog among them */}
                      <td className="num"><a className="bul__a" href={registerHref({ street: r.code, to: b.period.from })}>{r.atStart}</a></td>
                      <td className="num">{r.closedInPeriod}</td>
                      <td className={`num${r.openAtEnd > 0 ? ' bul__red-text' : ''}`}>{r.openAtEnd}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {s === 'trend' && <Trend b={b} />}
          {s === 'zero' && (
            <>
              <p>{b.zeroReport.items.length ? t('bulletin.zeroText', { asOf: cst(b.zeroReport.asOf) }) : t('bulletin.zeroNone')}</p>
              {b.zeroReport.items.length > 0 && (
                <table className="bul__table" data-testid="bul-zero">
                  <thead>
                    <tr><th>{t('bulletin.cols.kind')}</th><th>{t('bulletin.cols.unit')}</th><th>{t('bulletin.cols.period')}</th><th>{t('bulletin.cols.deadline')}</th><th>{t('bulletin.cols.status')}</th></tr>
                  </thead>
                  <tbody>
                    {b.zeroReport.items.map((r) => (
                      <tr key={`${r.kindCode}-${r.unitCode}`}>
                        <td>{r.kindName}</td>
                        <td>{r.unitName}</td>
                        <td className="bul__mono">{r.periodStart.slice(0, 7)}</td>
                        <td className="bul__mono">{r.deadlineDay}</td>
                        <td className="bul__red-text">{r.status === 'late' ? t('bulletin.late', { at: cst(r.submittedAt!) }) : t('bulletin.missing')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </section>
      ))}
      <footer className="bul__foot">{t('bulletin.generated')}：{cst(b.generatedAt)} (CST)</footer>
    </article>
  );
}

function UnitTable({ table, streets, period, label }: { table: Bulletin['streets']; streets: boolean; period: Record<string, string>; label: (k: UnitRate) => string }) {
  const { t } = useTranslation();
  const notes = UNIT_RATES.filter((k) => table.best[k] && table.worst[k]);
  const mark = (k: UnitRate, code: string) => (table.best[k]?.code === code ? ' is-best' : table.worst[k]?.code === code ? ' is-worst' : '');
  return (
    <>
      <p className="bul__extremes">
        {notes.length === 0
          ? t('bulletin.noRanking')
          : notes.map((k) => (
              <span key={k}>
                <span className="is-best">{t('bulletin.best', { rate: label(k), name: table.best[k]!.name })}</span>
                <span className="is-worst">{t('bulletin.worst', { rate: label(k), name: table.worst[k]!.name })}</span>
              </span>
            ))}
      </p>
      <table className="bul__table bul__table--units" data-testid={streets ? 'bul-streets' : 'bul-departments'}>
        <thead>
          <tr>
            <th className="num">{t('bulletin.cols.rank')}</th><th>{t('bulletin.cols.unit')}</th>
            <th className="num">{t('bulletin.cols.reported')}</th><th className="num">{t('bulletin.cols.filed')}</th><th className="num">{t('bulletin.cols.closed')}</th>
            {UNIT_RATES.map((k) => <th key={k} className="num">{label(k)}</th>)}
          </tr>
        </thead>
        <tbody>
          {table.items.map((i) => (
            <tr key={i.code} data-code={i.code}>
              <td className="num bul__dim">{i.rank}</td>
              <td>{i.name}</td>
              <td className="num">{streets ? <a className="bul__a" href={registerHref({ street: i.code, ...period })}>{i.reported}</a> : i.reported}</td>
              <td className="num">{i.filed}</td>
              <td className="num">{i.closed}</td>
              {UNIT_RATES.map((k) => <td key={k} className={`num${mark(k, i.code)}`}>{pct(i[k].value)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Reported and closed per day (monthly) or week (quarterly) as paired bars, with the numbers for print. */
function Trend({ b }: { b: Bulletin }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...b.trend.map((x) => Math.max(x.reported, x.closed)));
  return (
    <div className="bul__trend" data-testid="bul-trend">
      <div className="bul__bars">
        {b.trend.map((x) => (
          <div key={x.first} className="bul__bar" title={`${x.first}: ${x.reported} / ${x.closed}`}>
            <span className="bul__bar-r" style={{ height: `${(x.reported / max) * 100}%` }} />
            <span className="bul__bar-c" style={{ height: `${(x.closed / max) * 100}%` }} />
            <em>{b.kind === 'monthly' ? x.first.slice(8) : x.first.slice(5)}</em>
          </div>
        ))}
      </div>
      <div className="bul__legend">
        <span className="bul__key bul__key--r" />{t('bulletin.cols.reported')}
        <span className="bul__key bul__key--c" />{t('bulletin.cols.closed')}
        <span className="bul__dim">({b.kind === 'monthly' ? t('bulletin.cols.day') : t('bulletin.cols.week')})</span>
      </div>
    </div>
  );
}
