/**
 * The working calendar's warning (GET /api/calendar/status): a small, clear notice when this year's or next year's
 * calendar is missing or incomplete. On the wall it stands in a corner of the map, zh-CN first with the English line
 * below; on the desk it is a chip in the top bar; on the calendar page a full-width strip. Nothing when all is well.
 */
import { useTranslation } from 'react-i18next';
import type { CalendarStatusResponse } from '@gridcommand/shared/schemas';
import { i18n } from '../i18n/index.ts';
import { useCalendarStatus } from '../admin/calendar-api.ts';
import '../admin/calendar-i18n.ts';
import './calendar-banner.css';

type Warning = NonNullable<CalendarStatusResponse['warning']>;

/** The warning's text in one language: labelled by its code, naming what an incomplete year lacks. */
export function warningText(w: Warning, status: CalendarStatusResponse, lng: string): string {
  const t = i18n.getFixedT(lng);
  const fallback = lng === 'en' ? w.messageEn : w.message;
  const head = t(`calendar.warning.${w.code}`, { year: w.year, defaultValue: fallback });
  if (w.code !== 'NEXT_YEAR_INCOMPLETE' || status.nextYear.missing.length === 0) return head;
  const names = status.nextYear.missing.map((k) => t(`calendar.holidays.${k}`)).join(lng === 'en' ? ', ' : '、');
  return `${head}${lng === 'en' ? ' — ' : '，'}${t('calendar.status.missing', { names })}`;
}

export function CalendarBanner({ variant, enabled = true }: { variant: 'wall' | 'desk' | 'page'; enabled?: boolean }) {
  const { t, i18n: current } = useTranslation();
  const status = useCalendarStatus({ enabled, refetchInterval: variant === 'wall' ? 1_800_000 : 600_000 });
  const s = status.data;
  const w = s?.warning;
  if (!s || !w) return null;
  const tone = w.code === 'NEXT_YEAR_INCOMPLETE' ? 'warn' : 'alert';
  if (variant === 'desk') {
    return (
      <a className={`gcal-chip gcal-chip--${tone}`} href="/admin/calendar" title={warningText(w, s, current.language)} data-testid="calendar-warning" data-code={w.code}>
        <b aria-hidden="true">!</b>
        {t('calendar.warning.label')} · {w.year}
      </a>
    );
  }
  if (variant === 'wall') {
    const zh = i18n.getFixedT('zh-CN');
    const en = i18n.getFixedT('en');
    return (
      <div className={`gcal-wall gcal-wall--${tone}`} role="status" data-testid="calendar-warning" data-code={w.code}>
        <span className="gcal-wall__icon" aria-hidden="true">
          历
        </span>
        <div>
          <strong lang="zh-CN">{zh(`calendar.warning.short.${w.code}`, { year: w.year, defaultValue: w.message })}</strong>
          <span lang="zh-CN">{zh('calendar.warning.effect')}</span>
          <span lang="en">
            {en(`calendar.warning.short.${w.code}`, { year: w.year, defaultValue: w.messageEn })} — {en('calendar.warning.effect')}
          </span>
        </div>
      </div>
    );
  }
  return (
    <div className={`gcal-strip gcal-strip--${tone}`} role="alert" data-testid="calendar-warning" data-code={w.code}>
      <strong>{warningText(w, s, current.language)}</strong>
      <span>{t('calendar.warning.action')}</span>
    </div>
  );
}
