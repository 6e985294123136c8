/** Small formatting helpers of the phone's screens: time left, clock times, distances, light colours. */
import type { TFunction } from 'i18next';
import { formatCstDateTime, formatCstTime, LIGHT_LABELS, labelOf, CASE_STATE_LABELS } from '@gridcommand/shared/domain';
import { fieldLocale } from '../i18n.ts';

/** "剩 3小时20分" / "超时 1天2小时" from a deadline. */
export function timeLeft(t: TFunction, until: string, now = Date.now()): { text: string; over: boolean } {
  const ms = Date.parse(until) - now;
  const abs = Math.abs(ms);
  const m = Math.floor(abs / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const span = d > 0 ? t('today.days', { d, h }) : h > 0 ? t('today.hours', { h, m: m % 60 }) : t('today.minutes', { m });
  return ms >= 0 ? { text: t('today.left', { time: span }), over: false } : { text: t('today.over', { time: span }), over: true };
}

export const clock = (iso: string | number) => formatCstTime(typeof iso === 'number' ? iso : Date.parse(iso));
export const dateTime = (iso: string | number) => formatCstDateTime(typeof iso === 'number' ? iso : Date.parse(iso));
export const lightLabel = (light: string) => labelOf(LIGHT_LABELS, light, fieldLocale());
export const stateLabel = (s: string) => labelOf(CASE_STATE_LABELS, s, fieldLocale());
export const metres = (m: number) => (m >= 10_000 ? `${Math.round(m / 1000)} k` : String(Math.round(m)));
