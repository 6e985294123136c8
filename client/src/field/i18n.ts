/** The phone app's own i18next instance: its strings only (the desk's and the wall's stay out of its download). */
import type { Locale } from '@gridcommand/shared/domain';
import { createPageI18n } from '../i18n/page-instance.ts';
import zhCN from './i18n.zh-CN.ts';
import en from './i18n.en.ts';

const page = createPageI18n({ zhCN, en });

export const fieldI18n = page.i18n;

export function fieldLocale(): Locale {
  return page.locale();
}
