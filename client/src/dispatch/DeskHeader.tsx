/** The desk's top bar: brand, live dot, queue counts, intake / patrol / help buttons, the user and the language. */
import { useTranslation } from 'react-i18next';
import { BrandMark } from '../panels/BrandMark.tsx';
import { logout } from './session.ts';
import { ExportLinks } from '../panels/ExportLinks.tsx';
import { CalendarBanner } from '../wall/CalendarBanner.tsx';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import '../queue/i18n.ts';

export interface DeskCounts {
  reported: number;
  filed: number;
  overdue: number;
  emergency: number;
  available: number;
}

export function DeskHeader(props: {
  user: { displayName: string };
  connected: boolean;
  counts: DeskCounts;
  side: 'detail' | 'intake' | 'patrol' | 'callbacks';
  onIntake(): void;
  onPatrol(): void;
  onCallbacks(): void;
  onHelp(): void;
}) {
  const { t } = useTranslation();
  return (
    <header className="dtop">
      <div className="brand">
        <BrandMark />
        <div className="brand__text">
          <span className="brand__name">{t('app.productLocal')}</span>
          <span className="brand__local">{t('dispatch.title')}</span>
        </div>
      </div>
      <span className={`livedot${props.connected ? ' is-on' : ''}`} title={props.connected ? t('dispatch.live') : t('dispatch.offline')} data-testid="live-dot">
        <i />
        {props.connected ? t('dispatch.live') : t('dispatch.offline')}
      </span>
      <div className="dtop__spacer" />
      <CalendarBanner variant="desk" />
      <dl className="dstats">
        <div className={props.counts.emergency ? 'is-danger' : ''}>
          <dt>{t('dispatch.queues.emergency')}</dt>
          <dd>{props.counts.emergency}</dd>
        </div>
        <div>
          <dt>{t('dispatch.queues.reported')}</dt>
          <dd>{props.counts.reported}</dd>
        </div>
        <div>
          <dt>{t('dispatch.queues.filed')}</dt>
          <dd>{props.counts.filed}</dd>
        </div>
        <div className={props.counts.overdue ? 'is-warn' : ''}>
          <dt>{t('dispatch.queues.overdue')}</dt>
          <dd>{props.counts.overdue}</dd>
        </div>
        <div className="is-ok">
          <dt>{t('labels.teamStatus.available')}</dt>
          <dd data-testid="stat-available">{props.counts.available}</dd>
        </div>
      </dl>
      <div className="dtop__buttons">
        <button type="button" className={`btn btn--sm${props.side === 'intake' ? ' btn--primary' : ''}`} onClick={props.onIntake} data-testid="open-intake">
          ☎ {t('dispatch.intake.title')} <kbd>n</kbd>
        </button>
        <button type="button" className={`btn btn--sm${props.side === 'patrol' ? ' btn--primary' : ''}`} onClick={props.onPatrol} data-testid="open-patrol">
          ⬡ {t('dispatch.patrol.title')} <kbd>p</kbd>
        </button>
        <button type="button" className={`btn btn--sm${props.side === 'callbacks' ? ' btn--primary' : ''}`} onClick={props.onCallbacks} data-testid="open-callbacks">
          ✆ {t('dispatch.callbacks.title')}
        </button>
        <a className="btn btn--sm" href="/queue" data-testid="open-queue">
          ☰ {t('queue.title')}
        </a>
        <ExportLinks base="/api/register" formats={['csv', 'xlsx']} what="register" />
        <button type="button" className="btn btn--sm btn--ghost" onClick={props.onHelp} title={t('dispatch.help.title')}>
          <kbd>?</kbd>
        </button>
      </div>
      <div className="dtop__user">
        <span>{props.user.displayName}</span>
        <button type="button" className="linklike" onClick={() => void logout()}>
          {t('dispatch.logout')}
        </button>
      </div>
      <LanguageSwitch />
    </header>
  );
}
