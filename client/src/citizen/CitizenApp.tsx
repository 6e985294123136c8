/** The frame of the citizen's pages: the city's header, the two screens (report, track), a language switch. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { href, navigate, useRoute } from './route.ts';
import { ReportScreen } from './screens/Report.tsx';
import { TrackScreen } from './screens/Track.tsx';

export function CitizenApp() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  useEffect(() => {
    document.title = `${route.screen === 'report' ? t('app.report') : t('track.title')} · ${t('app.name')}`;
  }, [route.screen, t]);
  const tab = (screen: 'report' | 'track', path: string, label: string) => (
    <a
      href={href(path)}
      className={`c-tab ${route.screen === screen ? 'c-on' : ''}`}
      aria-current={route.screen === screen ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(path);
      }}
      data-testid={`tab-${screen}`}
    >
      {label}
    </a>
  );
  return (
    <div className="c-app">
      <header className="c-header">
        <div className="c-brand">
          <svg viewBox="0 0 64 64" aria-hidden="true" className="c-logo">
            <rect width="64" height="64" rx="14" fill="#fff" />
            <path d="M32 12c-8.3 0-15 6.5-15 14.6C17 37.5 32 52 32 52s15-14.5 15-25.4C47 18.5 40.3 12 32 12z" fill="#0b4a8b" />
            <circle cx="32" cy="27" r="6" fill="#fff" />
          </svg>
          <div>
            <strong>{t('app.name')}</strong>
            <span>{t('app.org')}</span>
          </div>
        </div>
        <button
          type="button"
          className="c-lang"
          onClick={() => void i18n.changeLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
          data-testid="lang"
        >
          {t('app.lang')}
        </button>
      </header>
      <nav className="c-tabs">
        {tab('report', '/report', t('app.report'))}
        {tab('track', '/track', t('app.track'))}
      </nav>
      <main className="c-main">{route.screen === 'report' ? <ReportScreen /> : <TrackScreen key={route.raw ?? ''} code={route.code} raw={route.raw} />}</main>
    </div>
  );
}
