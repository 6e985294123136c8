/**
 * 我的考核 (from 我的): my score this month, the band and the bonus, each duty's progress, what is still missing
 * ("本周还差 1 次走访"), and a small form to record an information change, a renter meeting or a newcomer.
 * Online only (the score is computed by the server); rules in docs/assessment.md.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DUTY_RECORD_KINDS, cstDateKey, type DutyRecordKind } from '@gridcommand/shared/domain';
import type { FieldMe, MyScore } from '@gridcommand/shared/schemas';
import { apiFetch } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { uuid } from '../offline/uuid.ts';
import { toast } from '../ui/toast.tsx';
import './score-i18n.ts';
import './score.css';

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, ''));

export default function ScoreScreen({ me }: { me: FieldMe }) {
  const { t } = useTranslation();
  const month = cstDateKey(Date.now()).slice(0, 7);
  const score = useQuery({
    queryKey: keys.assessment.myScore(month),
    queryFn: ({ signal }) => apiFetch<MyScore>(`/api/field/me/score?month=${month}`, { signal }),
    retry: false,
  });
  const data = score.data;
  const own = data?.rows.find((r) => r.subjectId === me.user.id) ?? data?.rows[0];
  const covered = data?.rows.filter((r) => r !== own) ?? [];

  return (
    <div className="f-screen" data-testid="screen-score">
      {score.isPending ? <p className="f-empty">{t('score.loading')}</p> : null}
      {score.error ? <p className="f-error">{score.error.message}</p> : null}
      {data && !own ? <p className="f-empty">{t('score.none')}</p> : null}
      {own ? (
        <section className={`f-card f-score-head${own.total < (own.kind === 'head' ? 85 : 80) ? ' is-low' : ''}`} data-testid="score-total">
          <span className="f-muted">{t('score.total')} · {data!.month}</span>
          <div className="f-score-big">
            <strong>{num(own.total)}</strong>
            <span>{t('score.of', { max: own.maxScore })}</span>
          </div>
          <div className="f-row f-score-facts">
            <span className="f-chip">{t('score.band', { pct: Math.round(own.share * 100) })}</span>
            <span className="f-chip">{t('score.bonus', { yuan: own.yuan })}</span>
          </div>
          {own.consequence !== 'none' ? <p className="f-score-flag" data-testid="score-flag">{t(own.recorded ? `score.consequences.${own.consequence}` : `score.consequencesIfSo.${own.consequence}`)}</p> : null}
          <p className="f-muted f-score-note">{own.recorded ? t('score.recorded') : t('score.provisional')}</p>
        </section>
      ) : null}
      {data && own ? (
        <section className="f-card" data-testid="score-missing">
          <h2>{t('score.missingTitle')}</h2>
          {data.missing.length === 0 ? (
            <p className="f-muted">{t('score.allDone')}</p>
          ) : (
            <ul className="f-plain f-score-missing">
              {data.missing.map((m) => (
                <li key={m.duty}>{t(`score.missing.${m.duty}`, { count: m.count })}</li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {own ? (
        <section className="f-card" data-testid="score-duties">
          {own.lines.map((l) => (
            <div key={l.duty} className="f-score-line">
              <div className="f-score-line-head">
                <span>{t(`score.duties.${l.duty}`)}</span>
                <span className="f-muted">{`${num(l.done)} / ${num(l.of)} · ${num(l.points)}/${num(l.weight)}`}</span>
              </div>
              <div className="f-score-bar" role="progressbar" aria-valuenow={Math.round(l.fulfilment * 100)} aria-valuemin={0} aria-valuemax={100}>
                <span style={{ width: `${Math.round(l.fulfilment * 100)}%` }} className={l.fulfilment < 0.6 ? 'is-weak' : ''} />
              </div>
            </div>
          ))}
        </section>
      ) : null}
      {covered.map((r) => (
        <section key={r.subjectId} className="f-card f-row f-score-cover">
          <span>{t('score.cover', { name: r.subjectName })}</span>
          <strong>{num(r.total)}</strong>
        </section>
      ))}
      <DutyForm me={me} month={month} />
    </div>
  );
}

function DutyForm({ me, month }: { me: FieldMe; month: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const grids = me.grids.features.map((f) => (f as { properties?: { code?: string; name?: string; displayCode?: string } }).properties ?? {});
  const today = cstDateKey(Date.now());
  const [kind, setKind] = useState<DutyRecordKind>('info_update');
  const [grid, setGrid] = useState(grids[0]?.code ?? '');
  const [occurredOn, setOccurredOn] = useState(today);
  const [subject, setSubject] = useState('');
  const [note, setNote] = useState('');
  const save = useMutation({
    mutationFn: () =>
      apiFetch('/api/field/duties', {
        method: 'POST',
        body: { kind, gridCode: grid, occurredOn, subject: subject.trim(), ...(note.trim() ? { note: note.trim() } : {}) },
        headers: { 'idempotency-key': uuid() },
      }),
    onSuccess: () => {
      toast(t('score.saved'));
      setSubject('');
      setNote('');
      void qc.invalidateQueries({ queryKey: keys.assessment.myScore(month) });
    },
    onError: (e: Error) => toast(t('score.failed', { msg: e.message }), 'error'),
  });
  return (
    <section className="f-card" data-testid="duty-form">
      <h2>{t('score.record')}</h2>
      <div className="f-chips">
        {DUTY_RECORD_KINDS.map((k) => (
          <button key={k} type="button" className={`f-chip f-chip-btn${kind === k ? ' f-score-kind-on' : ''}`} onClick={() => setKind(k)} data-testid={`duty-kind-${k}`}>
            {t(`score.kinds.${k}`)}
          </button>
        ))}
      </div>
      {grids.length > 1 ? (
        <label className="f-field">
          <span>{t('score.grid')}</span>
          <select className="f-input" value={grid} onChange={(e) => setGrid(e.target.value)}>
            {grids.map((g) => <option key={g.code} value={g.code}>{g.displayCode ?? g.code} {g.name}</option>)}
          </select>
        </label>
      ) : null}
      <label className="f-field">
        <span>{t('score.occurredOn')}</span>
        <input type="date" value={occurredOn} max={today} onChange={(e) => e.target.value && setOccurredOn(e.target.value)} />
      </label>
      <label className="f-field">
        <span>{t('score.subject')}</span>
        <input value={subject} onChange={(e) => setSubject(e.target.value)} placeholder={t('score.subjectHint')} maxLength={200} data-testid="duty-subject" />
      </label>
      <label className="f-field">
        <span>{t('score.note')}</span>
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
      </label>
      <button type="button" className="f-btn f-btn-primary f-btn-block" disabled={!subject.trim() || !grid || save.isPending} onClick={() => save.mutate()} data-testid="duty-save">
        {t('score.save')}
      </button>
    </section>
  );
}
