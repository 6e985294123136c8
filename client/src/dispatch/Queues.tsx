import { useTranslation } from 'react-i18next';
import { formatCstDateTime } from '@gridcommand/shared/domain';
import type { Case } from '@gridcommand/shared/schemas';
import { caseClock, formatDistance, formatDuration } from './clock.ts';

export interface QueueSection {
  key: string;
  title: string;
  items: readonly Case[];
  tone?: 'danger' | 'warn';
}

export function CaseRow({ c, now, selected, onSelect }: { c: Case; now: Date; selected: boolean; onSelect(c: Case): void }) {
  const { t, i18n } = useTranslation();
  const clock = caseClock(c, now);
  const overdue = clock.leftMs < 0;
  return (
    <li
      className={`caserow${selected ? ' is-selected' : ''}${c.priority === 'emergency' ? ' caserow--emergency' : ''}`}
      onClick={() => onSelect(c)}
      data-testid={`case-row-${c.id}`}
    >
      <i className={`dot dot--light-${clock.light}`} title={t(`labels.light.${clock.light}`)} />
      <div className="caserow__main">
        <div className="caserow__title">
          {c.priority !== 'normal' ? <span className={`badge badge--${c.priority}`}>{t(`labels.priority.${c.priority}`)}</span> : null}
          <span className="caserow__text">{c.title}</span>
          {c.verification?.flagged ? (
            <span className="badge badge--flag" data-testid={`verification-flag-${c.id}`}>
              ⚠{' '}
              {c.verification.distanceM !== null
                ? t('dispatch.verification.farShort', { d: formatDistance(c.verification.distanceM) })
                : t('dispatch.verification.noPosition')}
            </span>
          ) : null}
        </div>
        <div className="caserow__meta">
          <span className="mono">{c.code}</span>
          <span>{c.categoryName}</span>
          <span>{c.gridName}</span>
          <span className={`caserow__status caserow__status--${c.status}`}>{t(`labels.state.${c.status}`)}</span>
        </div>
      </div>
      <div className={`caserow__clock${overdue ? ' is-overdue' : ''}`} title={`${t(`dispatch.clock.${clock.clock}`)} ${formatCstDateTime(clock.due)}`}>
        <b>{formatDuration(clock.leftMs, i18n.language)}</b>
        <span>{overdue ? t('dispatch.clock.overdue') : t('dispatch.clock.left')}</span>
      </div>
    </li>
  );
}

/** Emergencies on top, then cases to file, to dispatch, overdue ones and the supervision list. */
export function Queues({
  sections,
  now,
  selectedCaseId,
  onSelect,
}: {
  sections: QueueSection[];
  now: Date;
  selectedCaseId: number | null;
  onSelect(c: Case): void;
}) {
  const { t } = useTranslation();
  return (
    <section className="dpanel queues" data-testid="queues">
      <header className="dpanel__head">
        <h2>{t('dispatch.queues.title')}</h2>
      </header>
      <div className="queues__scroll">
        {sections.map((s) => (
          <div key={s.key} className={`queue${s.tone ? ` queue--${s.tone}` : ''}`} data-testid={`queue-${s.key}`}>
            <h3 className="queue__title">
              {s.title}
              <span className="queue__count">{s.items.length}</span>
            </h3>
            {s.items.length === 0 ? (
              <div className="queue__empty">{t('dispatch.queues.empty')}</div>
            ) : (
              <ul className="queue__list">
                {s.items.map((c) => (
                  <CaseRow key={c.id} c={c} now={now} selected={selectedCaseId === c.id} onSelect={onSelect} />
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
