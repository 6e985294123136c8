/** 中文 / EN: the one language switch of the desk pages (the choice is kept by client/src/i18n). */
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = (LANGUAGES as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : 'zh-CN';
  return (
    <div className="lang" role="group" aria-label={t('app.language')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          className={`lang__btn${lng === current ? ' is-active' : ''}`}
          aria-pressed={lng === current}
          onClick={() => setLanguage(lng)}
          lang={lng}
          data-testid={`lang-${lng}`}
        >
          {t(`lang.${lng}`)}
        </button>
      ))}
    </div>
  );
}
