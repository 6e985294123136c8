/**
 * The leaders' bulletins (/insights/bulletin, 快报 / 月报 / 季报): kind and date pickers, the bulletin laid out as a
 * printed government bulletin (print stylesheet: A4, no app chrome), PDF and Excel downloads, and the zero-report
 * overview with the unit's own submission form. Contents and rules: docs/bulletins.md.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { BULLETIN_KINDS, addCstDays, cstDateKey, type BulletinKind } from '@gridcommand/shared/domain';
import type { Bulletin } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { useLoginRedirect, useSession } from '../api/session.ts';
import { keys } from '../api/keys.ts';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import { BulletinPaper } from './BulletinPaper.tsx';
import { UnitReportsPanel } from './UnitReportsPanel.tsx';
import './bulletin-i18n.ts';
import '../wall/insights.css';
import './indicators.css';
import './bulletin.css';

const READERS = new Set(['admin', 'leader', 'dispatcher']);

function initialKind(): BulletinKind {
  const k = new URLSearchParams(window.location.search).get('kind');
  return (BULLETIN_KINDS as readonly string[]).includes(k ?? '') ? (k as BulletinKind) : 'daily';
}

export function BulletinPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const me = useSession();
  const anonymous = useLoginRedirect(me.error, '/insights/bulletin');
  const user = me.data?.user;
  const today = cstDateKey(Date.now());
  const [kind, setKind] = useState<BulletinKind>(initialKind);
  const [date, setDate] = useState(() => new URLSearchParams(window.location.search).get('date') ?? '');
  // the reports being filed now are last month's (due early this month)
  const [month, setMonth] = useState(() => addCstDays(`${today.slice(0, 8)}01`, -1).slice(0, 7));
  const allowed = !!user && READERS.has(user.role);
  const query = date ? `?date=${date}` : '';
  const data = useQuery({
    queryKey: keys.bulletins.one(kind, date),
    queryFn: ({ signal }) => apiFetch<Bulletin>(`/api/bulletins/${kind}${query}`, { signal }),
    enabled: allowed,
    placeholderData: keepPreviousData,
    retry: false,
  });

  if (me.isLoading || anonymous) return <div className="insights insights--locked">{t('bulletin.loading')}</div>;
  if (!allowed) return <LockedPanel title={t('bulletin.title')} message={t('bulletin.unauthorized')} next="/insights/bulletin" login={t('bulletin.login')} testId="bulletin-unauthorized" />;

  const failed = data.error instanceof Error ? data.error.message : null;
  return (
    <div className="insights bul" data-testid="bulletin-page">
      <header className="insights__head bul__chrome">
        <div className="insights__brand">
          <h1>{t('bulletin.title')}</h1>
          <span>{t('bulletin.subtitle')}</span>
        </div>
        <div className="insights__filters">
          <div className="seg" role="group">
            {BULLETIN_KINDS.map((k) => (
              <button key={k} type="button" className={`seg__btn${kind === k ? ' is-active' : ''}`} onClick={() => setKind(k)} data-testid={`bul-kind-${k}`}>
                {t(`bulletin.kinds.${k}`)}
              </button>
            ))}
          </div>
          <label className="field">
            <span>{t('bulletin.date')}</span>
            <input type="date" value={date} max={today} onChange={(e) => setDate(e.target.value)} data-testid="bul-date" />
          </label>
          {date && (
            <button type="button" className="ind__link bul__plain" onClick={() => setDate('')}>
              {t('bulletin.latest')}
            </button>
          )}
          <a className="btn btn--primary bul__btn" href={`/api/bulletins/${kind}.pdf${query}`} download data-testid="bul-pdf">{t('bulletin.pdf')}</a>
          <a className="btn bul__btn" href={`/api/bulletins/${kind}.xlsx${query}`} download data-testid="bul-xlsx">{t('bulletin.excel')}</a>
          <button type="button" className="btn bul__btn" onClick={() => window.print()}>{t('bulletin.print')}</button>
          <a className="ind__link" href="/insights/indicators">{t('bulletin.back')}</a>
          <LanguageSwitch />
        </div>
      </header>
      <main className="bul__body">
        {failed && <div className="ind__error bul__chrome">{failed}</div>}
        {data.data ? <BulletinPaper b={data.data} locale={locale} /> : !failed && <div className="bul__dim">{t('bulletin.loading')}</div>}
        <div className="bul__chrome">
          <UnitReportsPanel month={month} maxMonth={today.slice(0, 7)} onMonth={setMonth} />
        </div>
      </main>
    </div>
  );
}
