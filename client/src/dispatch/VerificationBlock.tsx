/** The case's photos (thumbnails) and its latest verification on site: who, where, how far from the case, flagged or not. */
import { useTranslation } from 'react-i18next';
import { formatCstDateTime } from '@gridcommand/shared/domain';
import type { Case } from '@gridcommand/shared/schemas';
import { formatDistance } from './clock.ts';

export function CasePhotos({ c }: { c: Case }) {
  if (c.photos.length === 0) return null;
  return (
    <div className="casecard__photos" data-testid="case-photos">
      {c.photos.map((id) => (
        <a key={id} href={`/api/photos/${id}`} target="_blank" rel="noreferrer">
          <img src={`/api/photos/${id}/thumb`} alt="" loading="lazy" />
        </a>
      ))}
    </div>
  );
}

export function VerificationBlock({ c }: { c: Case }) {
  const { t } = useTranslation();
  const v = c.verification;
  if (!v) return null;
  return (
    <div className={`verif${v.flagged ? ' verif--flagged' : ''}`} data-testid="verification" data-flagged={v.flagged ? 'true' : 'false'}>
      <div className="verif__head">
        <b>{t('dispatch.verification.title')}</b>
        <span className={`pill ${v.result === 'pass' ? 'pill--closed' : 'pill--in_progress'}`}>
          {v.result === 'pass' ? t('dispatch.verification.pass') : t('dispatch.verification.fail')}
        </span>
        <span className="muted">{formatCstDateTime(new Date(v.at))}</span>
      </div>
      {v.flagged ? (
        <div className="verif__flag" data-testid="verification-flagged">
          ⚠ {v.flagReason === 'no_position' ? t('dispatch.verification.noPosition') : t('dispatch.verification.far')}
        </div>
      ) : null}
      <dl className="casecard__facts">
        {v.byName ? (
          <>
            <dt>{t('dispatch.verification.by')}</dt>
            <dd>{v.byName}</dd>
          </>
        ) : null}
        <dt>{t('dispatch.verification.distance')}</dt>
        <dd data-testid="verification-distance">{v.distanceM !== null ? formatDistance(v.distanceM) : '—'}</dd>
        {v.accuracyM !== null ? (
          <>
            <dt>{t('dispatch.verification.accuracy')}</dt>
            <dd>±{formatDistance(v.accuracyM)}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
