/** The phone app's own i18next instance: its strings only (the desk's and the wall's stay out of its download). */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '@gridcommand/shared/domain';
import zhCN from './i18n.zh-CN.ts';
import en from './i18n.en.ts';

const STORAGE_KEY = 'gc.lang';

function initialLanguage(): Locale {
  const q = new URLSearchParams(window.location.search).get('lang');
  if (q === 'en' || q === 'zh-CN') return q;
  try {
    const s = window.localStorage.getItem(STORAGE_KEY);
    if (s === 'en' || s === 'zh-CN') return s;
  } catch {
    /* storage off */
  }
  return 'zh-CN';
}

export const fieldI18n = i18next.createInstance();

void fieldI18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  supportedLngs: ['zh-CN', 'en'],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

document.documentElement.lang = fieldI18n.language;
fieldI18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    /* ignore */
  }
});

export function fieldLocale(): Locale {
  return fieldI18n.language === 'en' ? 'en' : 'zh-CN';
}
