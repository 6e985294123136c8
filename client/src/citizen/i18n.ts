/** The citizen pages' own i18next instance: their strings only (zh-CN first, English on request). */
import { CST_TIME_ZONE, type Locale } from '@gridcommand/shared/domain';
import { createPageI18n } from '../i18n/page-instance.ts';
import zhCN from './i18n.zh-CN.ts';
import en from './i18n.en.ts';

const page = createPageI18n({ zhCN, en });

export const citizenI18n = page.i18n;

export function citizenLocale(): Locale {
  return page.locale();
}

/** "12月8日 周二 18:00" / "Tue 8 Dec, 18:00" */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(citizenLocale(), {
    timeZone: CST_TIME_ZONE, month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false,
  });
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(citizenLocale(), { timeZone: CST_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric' });
}
