/**
 * A task: the case as the phone last read it, and the verification on site (核查) for a handled case: pass, or fail
 * with a reason and an optional photo. The position at that moment is taken and sent with it, and the distance from
 * the case is shown before the worker decides (a far one is flagged to the center, not refused).
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Case, FieldMe, FieldPosition } from '@gridcommand/shared/schemas';
import { allowedVerifyDistanceM, distanceM } from '@gridcommand/shared/domain';
import { useFieldCase } from '../api.ts';
import { currentFix, latestFix, useGeo } from '../geo.ts';
import type { Fix } from '../position.ts';
import { sendSoon, useOnline, useOutbox, useRuntime } from '../runtime.tsx';
import { GridMap } from '../ui/GridMap.tsx';
import { PhotoPicker, photoMap, type PickedPhoto } from '../ui/PhotoPicker.tsx';
import { dateTime, lightLabel, metres, stateLabel, timeLeft } from '../ui/format.ts';
import { toast } from '../ui/toast.tsx';

/** a fix from the running watch this recent is "where I stand now" */
const RECENT_FIX_MS = 15_000;

const positionOf = (f: Fix): FieldPosition => ({
  lon: Math.round(f.lon * 1e6) / 1e6,
  lat: Math.round(f.lat * 1e6) / 1e6,
  at: new Date(f.at).toISOString(),
  source: 'gps',
  ...(f.accuracyM !== undefined ? { accuracyM: Math.round(f.accuracyM) } : {}),
});

export default function TaskScreen({ id, me }: { id: number; me: FieldMe }) {
  const { t } = useTranslation();
  const q = useFieldCase(id);
  const geo = useGeo(true);
  const c = q.data;
  if (!c) return <div className="f-screen"><p className="f-empty">{q.isPending && q.fetchStatus === 'fetching' ? '…' : t('task.notFound')}</p></div>;
  const left = timeLeft(t, c.resolveBy);
  const dist = geo.fix ? distanceM(geo.fix, c) : null;
  const v = c.verification;
  const far = dist !== null && dist > allowedVerifyDistanceM(geo.fix?.accuracyM);
  const distanceLine = (
    <span className={`f-distance ${far ? 'f-over' : ''}`} data-testid="task-distance">
      {dist === null ? t('task.noFix') : far ? t('task.distanceFar', { m: metres(dist) }) : t('task.distance', { m: metres(dist) })}
      {geo.fix?.accuracyM !== undefined ? ` · ${t('geo.accuracy', { m: Math.round(geo.fix.accuracyM) })}` : ''}
    </span>
  );
  return (
    <div className="f-screen" data-testid="screen-task" data-case-id={c.id} data-status={c.status}>
      <section className="f-card">
        <div className="f-task-head">
          <span className={`f-light f-light-${c.light} f-light-big`} />
          <div>
            <h2 className="f-task-title">{c.title}</h2>
            <span className="f-task-meta">
              {c.code} · {c.majorName} / {c.categoryName}
            </span>
          </div>
        </div>
        <dl className="f-facts">
          <dt>{t('task.status')}</dt>
          <dd data-testid="task-status">{stateLabel(c.status)}{c.fixedOnSpot ? ` · ${t('task.fixedOnSpot')}` : ''}{c.reworkCount > 0 ? ` · ${t('task.rework', { n: c.reworkCount })}` : ''}</dd>
          <dt>{t('task.light')}</dt>
          <dd>
            <span className={`f-light-text f-light-${c.light}`}>{lightLabel(c.light)}</span> · <span className={left.over ? 'f-over' : ''}>{left.text}</span>
          </dd>
          <dt>{t('task.resolveBy')}</dt>
          <dd>{dateTime(c.resolveBy)}</dd>
          <dt>{t('task.reported')}</dt>
          <dd>{dateTime(c.reportedAt)}</dd>
          {c.address ? (
            <>
              <dt>{t('task.address')}</dt>
              <dd>{c.address}</dd>
            </>
          ) : null}
          <dt>{t('task.grid')}</dt>
          <dd>{c.gridName}</dd>
        </dl>
        {c.description ? <p className="f-desc">{c.description}</p> : null}
        {c.photos.length > 0 ? (
          <div className="f-photo-row">
            {c.photos.map((p) => (
              <img key={p} className="f-photo-thumb" src={`/api/photos/${p}/thumb`} alt="" loading="lazy" />
            ))}
          </div>
        ) : null}
        {v ? (
          <p className={`f-note ${v.flagged ? 'f-note-warn' : ''}`} data-testid="task-verification">
            {t('task.lastVerification', { result: t(v.result === 'pass' ? 'task.pass' : 'task.fail'), name: v.byName ?? '', m: v.distanceM === null ? '—' : metres(v.distanceM) })}
            {v.flagged ? ` · ${t('task.flagged', { reason: t(v.flagReason === 'far' ? 'task.flagFar' : 'task.flagNoPosition') })}` : ''}
          </p>
        ) : null}
      </section>
      <Verify c={c} distance={distanceLine} />
      <section className="f-card f-card-flush">
        <GridMap grids={me.grids} bbox={me.bbox} dots={[{ id: c.id, lon: c.lon, lat: c.lat, light: c.light }]} me={geo.fix} focus={c} height={200} testId="task-map" />
      </section>
    </div>
  );
}

function Verify({ c, distance }: { c: Case; distance: ReactNode }) {
  const { t } = useTranslation();
  const { outbox } = useRuntime();
  const online = useOnline();
  const box = useOutbox();
  const [failing, setFailing] = useState(false);
  const [reason, setReason] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const waiting = box.entries.some((e) => e.payload.kind === 'verify' && e.payload.caseId === c.id);
  if (waiting) return <p className="f-note" data-testid="verify-waiting">{t('task.waiting')}</p>;
  if (c.status !== 'handled' || !c.allowedActions.includes('verify_pass')) return <section className="f-card">{distance}</section>;

  const send = async (action: 'verify_pass' | 'verify_fail') => {
    if (action === 'verify_fail' && !reason.trim()) {
      setProblem(t('task.needReason'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      // the watch's fix when it is a few seconds old (instant, and GPS needs no network); else ask the phone now
      const watched = latestFix();
      const fix = watched && Date.now() - watched.at < RECENT_FIX_MS ? watched : await currentFix();
      const label = action === 'verify_pass' ? t('task.pass') : t('task.fail');
      await outbox.add(
        `${label}：${c.code}`,
        {
          kind: 'verify',
          caseId: c.id,
          caseCode: c.code,
          version: c.version,
          action,
          ...(action === 'verify_fail' ? { reason: reason.trim() } : {}),
          position: fix ? positionOf(fix) : null,
          photos: photos.map((p) => p.id),
        },
        photoMap(photos),
      );
      sendSoon(outbox);
      toast(online ? t('task.verified', { result: label }) : t('task.queued'));
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="f-card" data-testid="verify">
      <h2>{t('task.verifyTitle')}</h2>
      {distance}
      {failing ? (
        <>
          <label className="f-field">
            <span>{t('task.reason')}</span>
            <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('task.reasonHint')} maxLength={2000} data-testid="verify-reason" />
          </label>
          <PhotoPicker photos={photos} onChange={setPhotos} label={t('task.photo')} testId="verify-photos" />
          {problem ? <p className="f-error" role="alert">{problem}</p> : null}
          <div className="f-row">
            <button type="button" className="f-btn f-btn-ghost" onClick={() => setFailing(false)} disabled={busy}>
              {t('task.cancel')}
            </button>
            <button type="button" className="f-btn f-btn-danger f-grow" onClick={() => void send('verify_fail')} disabled={busy} data-testid="verify-fail-submit">
              {t('task.sendFail')}
            </button>
          </div>
        </>
      ) : (
        <div className="f-row">
          <button type="button" className="f-btn f-btn-ok f-grow f-btn-big" onClick={() => void send('verify_pass')} disabled={busy} data-testid="verify-pass">
            ✓ {t('task.pass')}
          </button>
          <button type="button" className="f-btn f-btn-danger f-btn-big" onClick={() => setFailing(true)} disabled={busy} data-testid="verify-fail">
            ✕ {t('task.fail')}
          </button>
        </div>
      )}
    </section>
  );
}
