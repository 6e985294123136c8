/**
 * An i18next instance of its own for a small page (the phone app, the citizen's pages): only its strings travel
 * with it. zh-CN first; `?lang=en` or the last choice (localStorage) picks English; <html lang> follows.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '@gridcommand/shared/domain';

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

export function createPageI18n(strings: { zhCN: object; en: object }): { i18n: I18n; locale(): Locale } {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: strings.zhCN }, en: { translation: strings.en } },
    lng: initialLanguage(),
    fallbackLng: 'zh-CN',
    supportedLngs: ['zh-CN', 'en'],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  document.documentElement.lang = instance.language;
  instance.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
    try {
      window.localStorage.setItem(STORAGE_KEY, lng);
    } catch {
      /* ignore */
    }
  });
  return { i18n: instance, locale: () => (instance.language === 'en' ? 'en' : 'zh-CN') };
}
