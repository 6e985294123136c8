import { useTranslation } from 'react-i18next';
import { BrandMark } from './BrandMark.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export interface HeaderStat {
  key: string;
  label: string;
  value: number | null;
  tone?: 'warn';
}

function formatCount(n: number | null, locale: string): string {
  return n === null ? '—' : n.toLocaleString(locale);
}

/** Top bar: product, district, headline counts and the language switch. */
export function Header({ districtName, districtCode, stats }: { districtName: string; districtCode: string; stats: HeaderStat[] }) {
  const { t, i18n } = useTranslation();
  return (
    <header className="topbar">
      <div className="brand">
        <BrandMark />
        <div className="brand__text">
          <span className="brand__name">{t('app.product')}</span>
          <span className="brand__local">{t('app.productLocal')}</span>
        </div>
      </div>
      <div className="topbar__sep" />
      <div className="district">
        <span className="district__name">{districtName}</span>
        <span className="district__code">{districtCode}</span>
      </div>
      <div className="topbar__spacer" />
      <dl className="stats">
        {stats.map((s) => (
          <div key={s.key} data-testid={`stat-${s.key}`} className={`stat${s.tone === 'warn' && (s.value ?? 0) > 0 ? ' stat--warn' : ''}`}>
            <dt>{s.label}</dt>
            <dd>{formatCount(s.value, i18n.language)}</dd>
          </div>
        ))}
      </dl>
      <LanguageSwitch />
    </header>
  );
}
