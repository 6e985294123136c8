/**
 * The working calendar (/admin/calendar, 日历管理): one year's statutory holidays and make-up workdays (调休) on a
 * 12-month grid, edited with a brush (click a day to make it a day off with a name, a make-up workday, or normal) and
 * saved with PUT /api/admin/calendar/:year; the status and the warning of GET /api/calendar/status; the State Council
 * schedule from the server's `chinese-days` package when it knows the year. Admins only: others go to the login.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cstDateKey, daysInYear, STATUTORY_HOLIDAYS, yearOf, type CalendarYearStatus } from '@gridcommand/shared/domain';
import { useLoginRedirect } from '../api/session.ts';
import { useMe } from '../dispatch/api.ts';
import { logout } from '../dispatch/session.ts';
import { BrandMark } from '../panels/BrandMark.tsx';
import { useToasts } from '../panels/Toasts.tsx';
import { CalendarBanner } from '../wall/CalendarBanner.tsx';
import { CalendarGrid } from './CalendarGrid.tsx';
import { useCalendarLibrary, useCalendarStatus, useCalendarYear, useSaveCalendarYear, type CalendarEntry } from './calendar-api.ts';
import './calendar-i18n.ts';
import './calendar.css';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';

type Brush = 'holiday' | 'workday' | 'normal';
const PATH = '/admin/calendar';
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

declare global {
  interface Window {
    __GC_CALENDAR__?: { ready: boolean; year: number; dirty: number };
  }
}

function initialYear(): number {
  const q = Number(new URLSearchParams(window.location.search).get('year'));
  return Number.isInteger(q) && q >= MIN_YEAR && q <= MAX_YEAR ? q : yearOf(cstDateKey(Date.now()));
}

export function CalendarPage() {
  const { t } = useTranslation();
  const me = useMe();
  const unauth = useLoginRedirect(me.error, PATH);
  if (me.isLoading || unauth) return <div className="gcal-locked">{t('calendar.loading')}</div>;
  if (!me.data) return <div className="gcal-locked">{me.error instanceof Error ? me.error.message : t('calendar.failed')}</div>;
  if (me.data.user.role !== 'admin') {
    return (
      <div className="gcal-locked" data-testid="calendar-wrong-role">
        <div className="gcal-locked__box">
          <h1>{t('calendar.title')}</h1>
          <p>{t('calendar.wrongRole')}</p>
          <button type="button" className="gcal-btn gcal-btn--primary" onClick={() => void logout()}>
            {t('calendar.logout')}
          </button>
        </div>
      </div>
    );
  }
  return <CalendarEditor user={me.data.user} />;
}

function CalendarEditor({ user }: { user: { displayName: string } }) {
  const { t, i18n } = useTranslation();
  const toasts = useToasts();
  const [year, setYear] = useState(initialYear);
  const saved = useCalendarYear(year);
  const status = useCalendarStatus();
  const library = useCalendarLibrary(year);
  const save = useSaveCalendarYear();
  const today = status.data?.today ?? cstDateKey(Date.now());

  // the draft: the saved days until the admin changes something
  const [draft, setDraft] = useState<Map<string, CalendarEntry> | null>(null);
  const base = useMemo(() => new Map((saved.data?.days ?? []).map((d) => [d.date, d])), [saved.data]);
  const days = draft ?? base;
  const changed = useMemo(() => {
    const out = new Set<string>();
    if (!draft) return out;
    for (const [date, d] of draft) {
      const b = base.get(date);
      if (!b || b.kind !== d.kind || b.name !== d.name) out.add(date);
    }
    for (const date of base.keys()) if (!draft.has(date)) out.add(date);
    return out;
  }, [draft, base]);

  const [brush, setBrush] = useState<Brush>('holiday');
  const [name, setName] = useState('春节');
  const [notice, setNotice] = useState<string | null>(null);

  const pickYear = (y: number) => {
    if (y < MIN_YEAR || y > MAX_YEAR || y === year) return;
    if (changed.size > 0 && !window.confirm(t('calendar.leave'))) return;
    setDraft(null);
    setNotice(null);
    setYear(y);
    window.history.replaceState(null, '', `${PATH}?year=${y}`);
  };

  const onPick = useCallback(
    (date: string) => {
      const label = name.trim();
      if (brush === 'holiday' && !label) {
        toasts.push({ kind: 'error', title: t('calendar.brush.needName'), message: date, key: 'calendar-need-name' });
        return;
      }
      setDraft((d) => {
        const next = new Map(d ?? base);
        const cur = next.get(date);
        if (brush === 'normal' || (cur && cur.kind === brush && cur.name === label)) next.delete(date);
        else next.set(date, { date, kind: brush, name: label });
        return next;
      });
    },
    [brush, name, base, toasts, t],
  );

  const onSave = () => {
    const list = [...days.values()].filter((d) => yearOf(d.date) === year).sort((a, b) => a.date.localeCompare(b.date));
    save.mutate(
      { year, days: list },
      {
        onSuccess: () => {
          setDraft(null);
          setNotice(null);
          toasts.push({ kind: 'info', title: t('calendar.saved', { year }), message: '', key: `calendar-saved-${year}-${Date.now()}` });
        },
        onError: (e) => toasts.push({ kind: 'error', title: t('calendar.saveFailed'), message: e instanceof Error ? e.message : String(e), key: 'calendar-save' }),
      },
    );
  };

  const onImport = () => {
    const lib = library.data;
    if (!lib?.published) return;
    if (days.size > 0 && !window.confirm(t('calendar.import.confirm', { n: days.size }))) return;
    setDraft(new Map(lib.days.map((d) => [d.date, d])));
    setNotice(t('calendar.import.loaded', { year, n: lib.days.length }));
  };

  const ready = saved.isSuccess && status.isSuccess;
  useEffect(() => {
    window.__GC_CALENDAR__ = { ready, year, dirty: changed.size };
  }, [ready, year, changed.size]);
  useEffect(() => () => void delete window.__GC_CALENDAR__, []);

  const groups = useMemo(() => summarize([...days.values()]), [days]);
  const holidays = [...days.values()].filter((d) => d.kind === 'holiday').length;
  const makeups = days.size - holidays;
  const names = STATUTORY_HOLIDAYS.map((h) => h.zh);

  return (
    <div className="gcal" data-testid="calendar-page">
      <header className="gcal-head">
        <div className="brand">
          <BrandMark />
          <div className="brand__text">
            <span className="brand__name">{t('app.productLocal')}</span>
            <span className="brand__local">{t('calendar.title')}</span>
          </div>
        </div>
        <span className="gcal-head__sub">{t('calendar.subtitle')}</span>
        <div className="gcal-year" role="group" aria-label={t('calendar.year')}>
          <button type="button" className="gcal-btn gcal-btn--icon" onClick={() => pickYear(year - 1)} title={t('calendar.prevYear')} disabled={year <= MIN_YEAR}>
            ‹
          </button>
          <select value={year} onChange={(e) => pickYear(Number(e.target.value))} data-testid="calendar-year" aria-label={t('calendar.year')}>
            {yearOptions(year, yearOf(today)).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
          <button type="button" className="gcal-btn gcal-btn--icon" onClick={() => pickYear(year + 1)} title={t('calendar.nextYear')} disabled={year >= MAX_YEAR}>
            ›
          </button>
        </div>
        <div className="gcal-head__spacer" />
        <a className="gcal-link" href="/dispatch">
          {t('calendar.backToDesk')}
        </a>
        <div className="gcal-head__user">
          <span>{user.displayName}</span>
          <button type="button" className="gcal-linklike" onClick={() => void logout()}>
            {t('dispatch.logout', { defaultValue: t('calendar.logout') })}
          </button>
        </div>
        <LanguageSwitch />
      </header>
      <div className="gcal-body">
        <main className="gcal-main">
          <CalendarBanner variant="page" />
          {notice ? (
            <div className="gcal-notice" data-testid="calendar-notice">
              {notice}
            </div>
          ) : null}
          {saved.isError ? <div className="gcal-notice gcal-notice--error">{t('calendar.failed')}</div> : null}
          <div className="gcal-legend">
            {(['workday', 'weekend', 'holiday', 'makeup', 'today'] as const).map((k) => (
              <span key={k} className={`gcal-legend__item is-${k}`}>
                <i />
                {t(`calendar.legend.${k}`)}
              </span>
            ))}
          </div>
          {saved.isSuccess ? <CalendarGrid year={year} days={days} changed={changed} today={today} onPick={onPick} /> : <div className="gcal-loading">{t('calendar.loading')}</div>}
        </main>
        <aside className="gcal-side">
          <section className="card gcal-panel" data-testid="calendar-brush">
            <h2 className="card__title">{t('calendar.brush.title')}</h2>
            <div className="gcal-seg" role="radiogroup">
              {(['holiday', 'workday', 'normal'] as const).map((b) => (
                <button key={b} type="button" role="radio" aria-checked={brush === b} className={`gcal-seg__btn is-${b}${brush === b ? ' is-active' : ''}`} onClick={() => setBrush(b)} data-testid={`brush-${b}`}>
                  {t(`calendar.brush.${b}`)}
                </button>
              ))}
            </div>
            {brush !== 'normal' ? (
              <label className="gcal-field">
                <span>{t('calendar.brush.name')}</span>
                <input value={name} maxLength={100} list="gcal-names" placeholder={t('calendar.brush.namePlaceholder')} onChange={(e) => setName(e.target.value)} data-testid="brush-name" />
                <datalist id="gcal-names">
                  {names.map((n) => (
                    <option key={n} value={n} />
                  ))}
                </datalist>
              </label>
            ) : null}
            <p className="muted">{t('calendar.brush.hint')}</p>
          </section>

          <section className="card gcal-panel" data-testid="calendar-status">
            <h2 className="card__title">{t('calendar.status.title')}</h2>
            <p className="muted">{t('calendar.status.today', { date: today })}</p>
            {status.data ? (
              <ul className="gcal-status">
                {[status.data.year, status.data.nextYear].map((s) => (
                  <li key={s.year}>
                    <button type="button" className="gcal-linklike mono" onClick={() => pickYear(s.year)}>
                      {s.year}
                    </button>
                    <StatusPill s={s} />
                    <span className="muted">{t('calendar.summary.total', { days: s.days, holidays: s.holidays, workdays: s.workdays })}</span>
                    {s.missing.length > 0 && s.holidays > 0 ? (
                      <span className="gcal-missing">{t('calendar.status.missing', { names: s.missing.map((k) => t(`calendar.holidays.${k}`)).join(i18n.language === 'en' ? ', ' : '、') })}</span>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>

          <section className="card gcal-panel" data-testid="calendar-summary">
            <h2 className="card__title">
              {t('calendar.summary.title')} · {year}
            </h2>
            <p className="muted mono">{t('calendar.summary.total', { days: daysInYear(year), holidays, workdays: makeups })}</p>
            {groups.length === 0 ? (
              <p className="muted">{t('calendar.summary.empty')}</p>
            ) : (
              <ul className="gcal-groups">
                {groups.map((g) => (
                  <li key={g.name}>
                    <strong>{g.name || '—'}</strong>
                    <span className="mono">{g.range}</span>
                    <span className="gcal-groups__n">
                      {g.off ? <i className="is-holiday">{t('calendar.summary.holidays')} {g.off}</i> : null}
                      {g.work ? <i className="is-makeup">{t('calendar.summary.workdays')} {g.work}</i> : null}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="gcal-actions">
            {library.data?.published ? (
              <button type="button" className="gcal-btn" onClick={onImport} data-testid="calendar-import">
                {t('calendar.import.button')}
              </button>
            ) : (
              <span className="muted" data-testid="calendar-not-published">
                {library.isLoading ? t('calendar.import.checking') : t('calendar.import.notPublished', { year })}
              </span>
            )}
            <div className="gcal-actions__row">
              {changed.size > 0 ? <span className="gcal-dirty" data-testid="calendar-dirty">{t('calendar.dirty', { n: changed.size })}</span> : null}
              <button type="button" className="gcal-btn gcal-btn--ghost" disabled={changed.size === 0 || save.isPending} onClick={() => (setDraft(null), setNotice(null))}>
                {t('calendar.discard')}
              </button>
              <button type="button" className="gcal-btn gcal-btn--primary" disabled={changed.size === 0 || save.isPending} onClick={onSave} data-testid="calendar-save">
                {save.isPending ? t('calendar.saving') : t('calendar.save')}
              </button>
            </div>
          </section>
        </aside>
      </div>
    </div>
  );
}

function StatusPill({ s }: { s: CalendarYearStatus }) {
  const { t } = useTranslation();
  const k = s.holidays === 0 ? 'empty' : s.complete ? 'complete' : 'incomplete';
  return <span className={`gcal-pill is-${k}`}>{t(`calendar.status.${k}`)}</span>;
}

function yearOptions(current: number, thisYear: number): number[] {
  const set = new Set<number>([current]);
  for (let y = thisYear - 3; y <= thisYear + 2; y++) set.add(y);
  return [...set].filter((y) => y >= MIN_YEAR && y <= MAX_YEAR).sort((a, b) => a - b);
}

/** The year's special days by name: first–last date, days off, make-up workdays. */
function summarize(days: CalendarEntry[]): { name: string; range: string; off: number; work: number }[] {
  const by = new Map<string, CalendarEntry[]>();
  for (const d of days) by.set(d.name, [...(by.get(d.name) ?? []), d]);
  return [...by.entries()]
    .map(([name, list]) => {
      const sorted = list.map((d) => d.date).sort();
      const first = sorted[0]!.slice(5);
      const last = sorted.at(-1)!.slice(5);
      return { name, range: first === last ? first : `${first} – ${last}`, off: list.filter((d) => d.kind === 'holiday').length, work: list.filter((d) => d.kind === 'workday').length, first: sorted[0]! };
    })
    .sort((a, b) => a.first.localeCompare(b.first));
}
