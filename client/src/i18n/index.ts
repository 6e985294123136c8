import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.ts';
import en from './en.ts';
import wallZhCN from './wall.zh-CN.ts';
import wallEn from './wall.en.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'gc.lang';

function initialLanguage(): Language {
  const fromQuery = new URLSearchParams(window.location.search).get('lang');
  if (fromQuery === 'en' || fromQuery === 'zh-CN') return fromQuery;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-CN') return stored;
  } catch {
    /* storage may be disabled on a locked-down wall PC */
  }
  return 'zh-CN';
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  // the wall and insights strings live in their own files (wall.*.ts) and join the one namespace
  resources: { 'zh-CN': { translation: { ...zhCN, ...wallZhCN } }, en: { translation: { ...en, ...wallEn } } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
  // some English units are deliberately empty
  returnEmptyString: true,
  initAsync: false,
});

document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    /* ignore */
  }
});

export function setLanguage(lng: Language): void {
  void i18n.changeLanguage(lng);
}
