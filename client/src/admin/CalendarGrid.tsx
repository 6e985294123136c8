/** Twelve month cards of one year: workdays, weekends, statutory holidays (named) and make-up workdays (调休). */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { dayType, daysInMonth, weekdayOfDate } from '@gridcommand/shared/domain';
import type { CalendarEntry } from './calendar-api.ts';

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

function key(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export const CalendarGrid = memo(function CalendarGrid(props: {
  year: number;
  days: ReadonlyMap<string, CalendarEntry>;
  /** dates that differ from the saved calendar */
  changed: ReadonlySet<string>;
  today: string;
  onPick(date: string): void;
}) {
  const { t } = useTranslation();
  const weekdays = Array.from({ length: 7 }, (_, i) => t(`calendar.weekdays.${i}`));
  return (
    <div className="gcal-months" data-testid="calendar-grid">
      {MONTHS.map((m) => {
        const n = daysInMonth(props.year, m);
        // Monday first: blanks before the 1st
        const lead = (weekdayOfDate(key(props.year, m, 1)) + 6) % 7;
        const cells: (number | null)[] = [...Array.from({ length: lead }, () => null), ...Array.from({ length: n }, (_, i) => i + 1)];
        let off = 0;
        let makeup = 0;
        for (let d = 1; d <= n; d++) {
          const k = props.days.get(key(props.year, m, d))?.kind;
          if (k === 'holiday') off++;
          else if (k === 'workday') makeup++;
        }
        return (
          <section key={m} className="gcal-month card" aria-label={t('calendar.month', { m })}>
            <header className="gcal-month__head">
              <h3>{t('calendar.month', { m })}</h3>
              <span className="gcal-month__counts mono">
                {off ? <i className="is-holiday">{off}</i> : null}
                {makeup ? <i className="is-makeup">{makeup}</i> : null}
              </span>
            </header>
            <div className="gcal-month__grid" role="grid">
              {weekdays.map((w, i) => (
                <span key={`w${i}`} className={`gcal-wd${i >= 5 ? ' is-weekend' : ''}`}>
                  {w}
                </span>
              ))}
              {cells.map((d, i) => {
                if (d === null) return <span key={`b${i}`} className="gcal-blank" />;
                const date = key(props.year, m, d);
                const entry = props.days.get(date);
                const type = dayType(date, entry?.kind);
                const prev = props.days.get(key(props.year, m, d - 1));
                // the name once at the start of a run of the same holiday
                const showName = entry && entry.name && !(prev && prev.kind === entry.kind && prev.name === entry.name);
                const cls = `gcal-day is-${type}${date === props.today ? ' is-today' : ''}${props.changed.has(date) ? ' is-changed' : ''}`;
                return (
                  <button
                    key={date}
                    type="button"
                    className={cls}
                    title={entry ? `${date} · ${t(type === 'holiday' ? 'calendar.legend.holiday' : 'calendar.legend.makeup')}${entry.name ? ` · ${entry.name}` : ''}` : date}
                    data-date={date}
                    data-type={type}
                    onClick={() => props.onPick(date)}
                  >
                    <span className="gcal-day__n">{d}</span>
                    {type === 'makeup' ? <span className="gcal-day__tag">班</span> : type === 'holiday' ? <span className="gcal-day__tag">休</span> : null}
                    {showName ? <span className="gcal-day__name">{entry.name}</span> : null}
                  </button>
                );
              })}
            </div>
          </section>
        );
      })}
    </div>
  );
});
