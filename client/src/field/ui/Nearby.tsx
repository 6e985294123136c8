/** "是不是这些？": open cases of the same category within 50 m of a new report, each with a button to add my photos. */
import { useTranslation } from 'react-i18next';
import { DUPLICATE_RADIUS_M } from '@gridcommand/shared/domain';
import type { NearbyResponse } from '@gridcommand/shared/schemas';
import { lightLabel, metres, stateLabel } from './format.ts';

interface Props {
  items: NearbyResponse['items'];
  canAttach: boolean;
  onAttach: (caseId: number, caseCode: string) => void;
}

export function NearbyCases({ items, canAttach, onAttach }: Props) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <section className="f-card f-dup" data-testid="nearby">
      <h2>{t('report.dupTitle')}</h2>
      <p className="f-muted">{t('report.dupHint', { m: DUPLICATE_RADIUS_M })}</p>
      <ul className="f-list">
        {items.map(({ case: c, distanceM, thumbUrls, reporters }) => (
          <li key={c.id} className="f-dup-item" data-testid={`nearby-${c.id}`}>
            {thumbUrls[0] ? <img src={thumbUrls[0]} alt="" className="f-dup-thumb" /> : <span className="f-dup-thumb" />}
            <div className="f-dup-body">
              <strong>{c.title}</strong>
              <span className="f-task-meta">
                {c.code} · {stateLabel(c.status)} · <span className={`f-light-text f-light-${c.light}`}>{lightLabel(c.light)}</span>
              </span>
              <span className="f-task-meta">
                {t('report.dupDistance', { m: metres(distanceM) })} · {t('report.dupReporters', { n: reporters })}
              </span>
            </div>
            <button type="button" className="f-btn f-btn-secondary" disabled={!canAttach} onClick={() => onAttach(c.id, c.code)} data-testid={`attach-${c.id}`}>
              {canAttach ? t('report.dupAttach') : t('report.dupAttachNoPhoto')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
