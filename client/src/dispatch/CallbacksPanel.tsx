/**
 * 回访: closed public cases to call back (GET /api/callbacks), with the citizen's phone for the call, and the
 * outcome recorded the same way a citizen's own rating is (POST /api/cases/:id/callback): 不满意 within the window
 * reopens the case for rework.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { RATINGS, formatCstDateTime, type Rating } from '@gridcommand/shared/domain';
import type { CallbackListResponse } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export function useCallbacks(enabled: boolean) {
  return useQuery({
    queryKey: keys.dispatch.callbacks(),
    queryFn: ({ signal }) => apiFetch<CallbackListResponse>('/api/callbacks', { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function CallbacksPanel({ onClose, onDone }: { onClose(): void; onDone(message: string): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useCallbacks(true);
  const [open, setOpen] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  async function record(caseId: number, code: string, reached: boolean, rating?: Rating) {
    setBusy(true);
    try {
      const r = await apiFetch<{ reopened: boolean }>(`/api/cases/${caseId}/callback`, {
        method: 'POST',
        body: { reached, ...(rating ? { rating } : {}), ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      onDone(r.reopened ? t('dispatch.callbacks.reopened', { code }) : t('dispatch.callbacks.recorded', { code }));
      setOpen(null);
      setComment('');
      await qc.invalidateQueries({ queryKey: keys.dispatch.callbacks() });
      await qc.invalidateQueries({ queryKey: keys.dispatch.queues() });
    } finally {
      setBusy(false);
    }
  }

  const items = q.data?.items ?? [];
  return (
    <section className="dpanel detail" data-testid="callbacks">
      <header className="detail__head">
        <div>
          <div className="detail__eyebrow">{t('dispatch.callbacks.eyebrow')}</div>
          <h2 className="detail__title">
            {t('dispatch.callbacks.title')} <span className="muted">{items.length}</span>
          </h2>
        </div>
        <button type="button" className="iconbtn" onClick={onClose} title={t('dispatch.panel.close')}>
          ✕
        </button>
      </header>
      <div className="detail__scroll">
        {q.isLoading ? <div className="skeleton" /> : null}
        {items.length === 0 && !q.isLoading ? <div className="muted">{t('dispatch.callbacks.none')}</div> : null}
        <ul className="callbacks">
          {items.map((i) => (
            <li key={i.caseId} className="callbacks__row" data-testid={`callback-${i.caseId}`}>
              <button type="button" className="callbacks__main" onClick={() => setOpen(open === i.caseId ? null : i.caseId)}>
                <span className="callbacks__title">{i.title}</span>
                <span className="callbacks__meta">
                  <span className="mono">{i.caseCode}</span> · {t('dispatch.callbacks.closed')} {formatCstDateTime(new Date(i.closedAt))}
                  {i.callbacks > 0 ? ` · ${t('dispatch.callbacks.tries', { n: i.callbacks })}` : ''}
                </span>
                <span className="callbacks__who">
                  {i.reporterName ?? t('dispatch.callbacks.anonymous')}{' '}
                  {i.reporterPhone ? (
                    <a className="mono" href={`tel:${i.reporterPhone}`} onClick={(e) => e.stopPropagation()}>
                      {i.reporterPhone}
                    </a>
                  ) : null}
                </span>
              </button>
              {open === i.caseId ? (
                <div className="callbacks__form">
                  <input placeholder={t('dispatch.callbacks.comment')} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} />
                  <div className="callbacks__buttons">
                    {RATINGS.map((r) => (
                      <button
                        key={r}
                        type="button"
                        className={`btn btn--sm${r === 'unsatisfied' ? ' btn--danger' : ' btn--primary'}`}
                        disabled={busy}
                        data-testid={`callback-${i.caseId}-${r}`}
                        onClick={() => void record(i.caseId, i.caseCode, true, r)}
                      >
                        {t(`dispatch.callbacks.rating.${r}`)}
                      </button>
                    ))}
                    <button type="button" className="btn btn--sm btn--ghost" disabled={busy} onClick={() => void record(i.caseId, i.caseCode, false)}>
                      {t('dispatch.callbacks.unreached')}
                    </button>
                  </div>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
