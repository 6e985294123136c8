/** 待发送: what waits to be sent, in order, with each failure's reason; retry or drop; send now. */
import { useTranslation } from 'react-i18next';
import { useOnline, useOutbox, useRuntime } from '../runtime.tsx';
import { dateTime } from '../ui/format.ts';

export default function OutboxScreen() {
  const { t } = useTranslation();
  const { outbox } = useRuntime();
  const box = useOutbox();
  const online = useOnline();
  const entries = box.entries.filter((e) => e.payload.kind !== 'patrol_points' || e.status === 'failed');
  const track = box.entries.length - entries.length;
  return (
    <div className="f-screen" data-testid="screen-outbox" data-pending={box.pending} data-failed={box.failed}>
      {box.needsLogin ? <p className="f-note f-note-warn">{t('outbox.needsLogin')}</p> : null}
      {box.entries.length === 0 ? (
        <div className="f-empty-big">
          <strong>✓ {t('outbox.empty')}</strong>
          <span className="f-muted">{t('outbox.emptyHint')}</span>
        </div>
      ) : (
        <>
          <div className="f-row f-outbox-head">
            <span>
              {box.pending > 0 ? t('app.pending', { count: box.pending }) : null}
              {box.failed > 0 ? ` · ${t('app.failed', { count: box.failed })}` : null}
            </span>
            <button type="button" className="f-btn f-btn-primary" disabled={!online || box.sending} onClick={() => void outbox.flush()} data-testid="outbox-send">
              {box.sending ? t('app.sending') : t('outbox.sendNow')}
            </button>
          </div>
          {!online ? <p className="f-note">{t('outbox.noConnection')}</p> : null}
          <ul className="f-list" data-testid="outbox-list">
            {entries.map((e) => (
              <li key={e.seq} className={`f-ob f-ob-${e.status}`} data-testid={`outbox-${e.seq}`} data-kind={e.payload.kind} data-status={e.status}>
                <div className="f-ob-body">
                  <span className={`f-chip ${e.status === 'failed' ? 'f-chip-bad' : 'f-chip-wait'}`}>
                    {t(`outbox.kind.${e.payload.kind}`)} · {e.status === 'failed' ? t('outbox.failed') : t('outbox.pending')}
                  </span>
                  <strong>{e.summary || t(`outbox.kind.${e.payload.kind}`)}</strong>
                  <span className="f-task-meta">
                    {t('outbox.made', { time: dateTime(e.createdAt) })}
                    {e.attempts > 0 ? ` · ${t('outbox.attempts', { n: e.attempts })}` : ''}
                  </span>
                  {e.lastError ? (
                    <span className={e.status === 'failed' ? 'f-error' : 'f-muted'}>
                      {t('outbox.lastError', { message: e.lastError.status === 0 ? t('outbox.noConnection') : e.lastError.message })}
                    </span>
                  ) : null}
                </div>
                {e.status === 'failed' ? (
                  <div className="f-row">
                    <button type="button" className="f-btn f-btn-secondary" onClick={() => void outbox.retry(e.seq!)} data-testid={`retry-${e.seq}`}>
                      {t('outbox.retry')}
                    </button>
                    <button
                      type="button"
                      className="f-btn f-btn-ghost f-btn-bad"
                      onClick={() => {
                        if (window.confirm(t('outbox.dropConfirm'))) void outbox.drop(e.seq!);
                      }}
                      data-testid={`drop-${e.seq}`}
                    >
                      {t('outbox.drop')}
                    </button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
          {track > 0 ? <p className="f-muted">{t('outbox.kind.patrol_points')} × {track}</p> : null}
        </>
      )}
    </div>
  );
}
