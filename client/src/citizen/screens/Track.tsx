/**
 * /track and /track/<code>: enter a code (case, spaces and dashes do not matter), then the status page: the stage,
 * the history in plain words, the expected date, photos (and after photos once closed), how many reported it, the
 * rating when it may be given, and my points.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicTrack } from '@gridcommand/shared/schemas';
import { PUBLIC_STAGE_LABELS, formatTrackingCode, normalizeTrackingCode } from '@gridcommand/shared/domain';
import { ApiError } from '../../api/http.ts';
import { myReports, useTrack } from '../api.ts';
import { citizenLocale, formatDateTime } from '../i18n.ts';
import { navigate, trackHref } from '../route.ts';
import { RatingCard, type JustRated } from '../ui/Rating.tsx';

export function TrackScreen({ code, raw }: { code: string | null; raw: string | null }) {
  const { t } = useTranslation();
  const track = useTrack(code);
  if (!code) return <TrackEntry initial={raw ?? ''} bad={raw !== null} />;
  if (track.isPending) return <p className="c-card c-muted">{t('track.loading')}</p>;
  if (track.error) {
    const notFound = track.error instanceof ApiError && track.error.statusCode === 404;
    return (
      <>
        <p className="c-card c-status c-bad" role="alert" data-testid="track-error">
          {notFound ? t('track.notFound') : t('error.generic', { message: track.error.message })}
        </p>
        <TrackEntry initial={formatTrackingCode(code)} bad={false} />
      </>
    );
  }
  return <TrackView track={track.data} onRefresh={() => void track.refetch()} />;
}

function TrackEntry({ initial, bad }: { initial: string; bad: boolean }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  const [wrong, setWrong] = useState(bad);
  const mine = myReports();
  const go = (e: FormEvent) => {
    e.preventDefault();
    const c = normalizeTrackingCode(value);
    if (!c) {
      setWrong(true);
      return;
    }
    navigate(`/track/${c}`);
  };
  return (
    <>
      <form className="c-card" onSubmit={go} data-testid="track-form">
        <h1 className="c-h1">{t('track.title')}</h1>
        <label className="c-field">
          <span className="c-label">{t('track.enter')}</span>
          <input
            className="c-input c-code-input"
            value={value}
            placeholder={t('track.placeholder')}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            aria-invalid={wrong}
            onChange={(e) => {
              setValue(e.target.value);
              setWrong(false);
            }}
            data-testid="track-input"
          />
        </label>
        {wrong ? (
          <p className="c-status c-bad" role="alert">
            {t('track.bad')}
          </p>
        ) : null}
        <button type="submit" className="c-btn c-btn-primary c-btn-lg" data-testid="track-go">
          {t('track.go')}
        </button>
      </form>
      {mine.length ? (
        <section className="c-card">
          <h2>{t('track.mine')}</h2>
          <ul className="c-links">
            {mine.map((m) => (
              <li key={m.code}>
                <a
                  href={trackHref(m.code)}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/track/${m.code}`);
                  }}
                >
                  <span className="c-mono">{m.display}</span>
                  <span className="c-muted">{formatDateTime(m.at)}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function TrackView({ track, onRefresh }: { track: PublicTrack; onRefresh: () => void }) {
  const { t } = useTranslation();
  const labels = PUBLIC_STAGE_LABELS[citizenLocale()];
  const stepLabel = (s: PublicTrack['steps'][number]['stage']) => (s === 'rated' || s === 'reopened' ? t(`steps.${s}`) : labels[s]);
  const closed = track.stage === 'closed';
  const [rated, setRated] = useState<JustRated | null>(null);
  return (
    <>
      <section className="c-card c-track-head" data-testid="track" data-stage={track.stage}>
        <p className="c-mono c-muted">{track.trackingCodeDisplay}</p>
        <h1 className="c-h1">{track.title}</h1>
        {track.categoryName !== track.title ? <p className="c-muted">{track.categoryName}</p> : null}
        <p className={`c-stage-big c-stage-${track.stage}`} data-testid="track-stage">
          {labels[track.stage]}
        </p>
        <dl className="c-facts">
          {closed && track.closedAt ? (
            <div>
              <dt>{t('track.closedAt')}</dt>
              <dd>{formatDateTime(track.closedAt)}</dd>
            </div>
          ) : track.expectedBy ? (
            <div>
              <dt>{t('track.expected')}</dt>
              <dd data-testid="track-expected">{formatDateTime(track.expectedBy)}</dd>
            </div>
          ) : null}
          {track.department ? (
            <div>
              <dd>{t('track.department', { name: track.department })}</dd>
            </div>
          ) : null}
          <div>
            <dd data-testid="track-reporters">{t('track.reporters', { n: track.reporters })}</dd>
          </div>
        </dl>
        <button type="button" className="c-btn c-btn-ghost c-btn-sm" onClick={onRefresh}>
          {t('track.refresh')}
        </button>
      </section>

      {track.mayRate || track.rating || rated ? <RatingCard track={track} rated={rated} onRated={setRated} /> : null}

      <section className="c-card">
        <h2>{t('track.history')}</h2>
        <ol className="c-steps" data-testid="track-steps">
          {[...track.steps].reverse().map((s, i) => (
            <li key={`${s.stage}-${s.at}`} className={`c-step ${i === 0 ? 'c-now' : ''} c-step-${s.stage}`} data-stage={s.stage}>
              <strong>{stepLabel(s.stage)}</strong>
              {s.department ? <span>{s.department}</span> : null}
              <time className="c-muted">{formatDateTime(s.at)}</time>
            </li>
          ))}
        </ol>
      </section>

      {track.photos.length ? (
        <section className="c-card">
          <h2>{t('track.photos')}</h2>
          <div className="c-gallery" data-testid="track-photos">
            {track.photos.map((u) => (
              <img key={u} src={u} alt="" loading="lazy" />
            ))}
          </div>
        </section>
      ) : null}
      {track.afterPhotos.length ? (
        <section className="c-card">
          <h2>{t('track.after')}</h2>
          <div className="c-gallery" data-testid="track-after">
            {track.afterPhotos.map((u) => (
              <img key={u} src={u} alt="" loading="lazy" />
            ))}
          </div>
        </section>
      ) : null}

      <section className="c-card" data-testid="points">
        <h2>{t('points.title')}</h2>
        <p className="c-points">{t('points.balance', { n: track.points.balance })}</p>
        {track.points.entries.length ? (
          <ul className="c-ledger">
            {track.points.entries.map((e, i) => (
              <li key={`${e.at}-${i}`}>
                <span>
                  {t(`points.reasons.${e.reason}`, { defaultValue: e.reason })}
                  <span className="c-muted c-small"> · {e.caseCode} · {formatDateTime(e.at)}</span>
                </span>
                <strong className={e.points >= 0 ? 'c-plus' : 'c-minus'}>{e.points >= 0 ? `+${e.points}` : e.points}</strong>
              </li>
            ))}
          </ul>
        ) : (
          <p className="c-muted">{t('points.none')}</p>
        )}
      </section>
    </>
  );
}
