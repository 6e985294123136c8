/**
 * The rating of a closed case: 满意 / 基本满意 / 不满意 and a comment. 不满意 within the window reopens the case: the
 * page says so before it is sent and after.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { PublicTrack } from '@gridcommand/shared/schemas';
import { RATINGS, REOPEN_WINDOW_DAYS, type Rating } from '@gridcommand/shared/domain';
import { errorText, rate } from '../api.ts';
import { formatDateTime } from '../i18n.ts';

/** the mouth of each face: a smile, a small smile, a frown */
const MOUTH: Record<Rating, string> = { satisfied: 'M7.5 14c1.2 2 2.7 3 4.5 3s3.3-1 4.5-3', basic: 'M8.5 15c1 .8 2.2 1.2 3.5 1.2s2.5-.4 3.5-1.2', unsatisfied: 'M7.5 17c1.2-2 2.7-3 4.5-3s3.3 1 4.5 3' };

function Face({ rating }: { rating: Rating }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="c-face-icon">
      <circle cx="12" cy="12" r="10" />
      <circle cx="8.5" cy="9.5" r="1.2" className="c-eye" />
      <circle cx="15.5" cy="9.5" r="1.2" className="c-eye" />
      <path d={MOUTH[rating]} />
    </svg>
  );
}

/** What this page just sent: kept by the page, as a 不满意 that reopens starts a new round with no rating of mine yet. */
export interface JustRated {
  rating: Rating;
  comment: string | null;
  reopened: boolean;
}

export function RatingCard({ track, rated, onRated }: { track: PublicTrack; rated: JustRated | null; onRated: (r: JustRated) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [choice, setChoice] = useState<Rating | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const done = rated ?? (track.rating && !track.mayRate ? track.rating : null);
  if (done) {
    return (
      <section className="c-card c-rated" data-testid="rating-done" data-rating={done.rating} data-reopened={String(done.reopened)}>
        <p>
          <strong>{t('rating.mine', { rating: t(`rating.${done.rating}`) })}</strong>
        </p>
        {done.comment ? <p className="c-muted">“{done.comment}”</p> : null}
        <p className={done.reopened ? 'c-status c-warn' : 'c-status c-ok'} role="status">
          {done.reopened ? t('rating.reopened') : t('rating.thanks')}
        </p>
      </section>
    );
  }
  if (!track.mayRate) return null;

  const send = async () => {
    if (!choice || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await rate(track.trackingCode, choice, comment);
      onRated({ rating: r.rating, comment: comment.trim() || null, reopened: r.reopened });
      qc.setQueryData(['citizen', 'track', track.trackingCode], r.track);
      // and read it again: the history of a reopened case goes on
      void qc.invalidateQueries({ queryKey: ['citizen', 'track', track.trackingCode] });
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="c-card c-rating" data-testid="rating">
      <h2>{t('rating.title')}</h2>
      <div className="c-faces" role="radiogroup" aria-label={t('rating.title')}>
        {RATINGS.map((r) => (
          <button
            key={r}
            type="button"
            role="radio"
            aria-checked={choice === r}
            className={`c-face ${choice === r ? 'c-on' : ''} c-face-${r}`}
            onClick={() => setChoice(r)}
            data-testid={`rate-${r}`}
          >
            <Face rating={r} />
            {t(`rating.${r}`)}
          </button>
        ))}
      </div>
      {choice === 'unsatisfied' ? (
        <p className="c-status c-warn" role="alert" data-testid="rating-reopen-warn">
          {track.rateReopensUntil ? t('rating.reopenWarn', { date: formatDateTime(track.rateReopensUntil) }) : t('rating.noReopen', { days: REOPEN_WINDOW_DAYS })}
        </p>
      ) : null}
      <textarea className="c-input c-textarea" rows={3} maxLength={500} placeholder={t('rating.comment')} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="rate-comment" />
      {error ? <p className="c-status c-bad" role="alert">{error}</p> : null}
      <button type="button" className="c-btn c-btn-primary c-btn-lg" disabled={!choice || busy} onClick={() => void send()} data-testid="rate-submit">
        {busy ? t('rating.busy') : t('rating.submit')}
      </button>
    </section>
  );
}
