/** "是不是这些？": open cases of the same kind within 50 m; the citizen can follow one (+1) instead of a new report. */
import { useTranslation } from 'react-i18next';
import type { PublicNearbyResponse } from '@gridcommand/shared/schemas';
import { PUBLIC_STAGE_LABELS } from '@gridcommand/shared/domain';
import { citizenLocale, formatDateTime } from '../i18n.ts';

interface Props {
  nearby: PublicNearbyResponse;
  busy: string | null;
  onFollow: (caseCode: string) => void;
  onDismiss: () => void;
}

export function NearbyCases({ nearby, busy, onFollow, onDismiss }: Props) {
  const { t } = useTranslation();
  if (nearby.items.length === 0) return null;
  return (
    <section className="c-card c-dup" data-testid="nearby" aria-live="polite">
      <h2>{t('nearby.title')}</h2>
      <p className="c-muted">{t('nearby.hint', { m: nearby.radiusM })}</p>
      <ul className="c-dup-list">
        {nearby.items.map((c) => (
          <li key={c.caseCode} className="c-dup-item" data-testid={`nearby-${c.caseCode}`}>
            {c.thumbUrl ? <img src={c.thumbUrl} alt="" className="c-dup-thumb" /> : <span className="c-dup-thumb" />}
            <div className="c-dup-body">
              <strong>{c.title}</strong>
              <span className="c-stage">{PUBLIC_STAGE_LABELS[citizenLocale()][c.stage]}</span>
              <span className="c-muted">
                {t('nearby.distance', { m: Math.round(c.distanceM) })} · {t('nearby.reporters', { n: c.reporters })} · {formatDateTime(c.reportedAt)}
              </span>
            </div>
            <button type="button" className="c-btn c-btn-primary c-btn-sm" disabled={busy !== null} onClick={() => onFollow(c.caseCode)} data-testid={`follow-${c.caseCode}`}>
              {busy === c.caseCode ? t('nearby.following') : t('nearby.follow')}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="c-btn c-btn-ghost c-wide" onClick={onDismiss} data-testid="nearby-dismiss">
        {t('nearby.different')}
      </button>
    </section>
  );
}
