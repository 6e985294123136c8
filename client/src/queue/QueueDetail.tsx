/**
 * One case of a queue: where it stands (holder, level, department, the sign-for and handling deadlines, returns) and
 * the actions the caller's unit may take on it now — sign for or return it (a department), decide on a return, file,
 * dispatch to a department, escalate, hand down, close, void — each with the reason it needs. The timeline below says
 * who did what. Actions come from the case's `allowedActions` (the server's rules for this account and unit).
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { formatCstDateTime, signForOverdue, transitionLabel, type Locale } from '@gridcommand/shared/domain';
import type { Case, TimelineResponse } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';
import { caseClock, formatDuration } from '../dispatch/clock.ts';
import { useDepartments } from './api.ts';

/** The actions this page offers, in the order of the buttons; those needing a reason, a department. */
const QUEUE_ACTIONS = ['accept', 'return', 'approve_return', 'reject_return', 'file', 'dispatch', 'add_helper', 'handle', 'escalate', 'hand_down', 'close', 'void'] as const;
type QueueAction = (typeof QUEUE_ACTIONS)[number];
const NEEDS_REASON = new Set<QueueAction>(['return', 'reject_return', 'escalate', 'void']);
const ASKS_REASON = new Set<QueueAction>(['return', 'reject_return', 'escalate', 'void', 'hand_down', 'approve_return']);
const ASKS_DEPARTMENT = new Set<QueueAction>(['dispatch', 'add_helper']);
const PRIMARY = new Set<QueueAction>(['accept', 'approve_return', 'file', 'dispatch', 'handle', 'close']);

export interface QueueDetailProps {
  c: Case;
  now: Date;
  busy: boolean;
  onAction(action: string, extra: Record<string, unknown>): void;
}

/** The name of the unit holding the case at its level (the district centre at the top). */
function holderName(c: Case, district: string): string {
  switch (c.escalationLevel) {
    case 'grid':
      return c.communityName;
    case 'zone':
      return c.zoneName;
    case 'street':
      return c.streetName;
    case 'district':
      return district;
  }
}

function useTimeline(id: number, version: number) {
  return useQuery({
    queryKey: [...keys.queues.all(), 'timeline', id, version],
    queryFn: ({ signal }) => apiFetch<TimelineResponse>(`/api/cases/${id}/timeline`, { signal }),
  });
}

export function QueueDetail({ c, now, busy, onAction }: QueueDetailProps) {
  const { t, i18n } = useTranslation();
  const locale: Locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [pending, setPending] = useState<QueueAction | null>(null);
  const [reason, setReason] = useState('');
  const [department, setDepartment] = useState('');
  const departments = useDepartments(c.allowedActions.includes('dispatch') || c.allowedActions.includes('add_helper') || c.helperDepartments.length > 0);
  const departmentName = (code: string) => {
    const d = departments.data?.items.find((x) => x.code === code);
    return d ? (locale === 'en' ? d.nameEn : d.name) : code;
  };
  const timeline = useTimeline(c.id, c.version);
  const clock = caseClock(c, now);
  const actions = QUEUE_ACTIONS.filter((a) => c.allowedActions.includes(a));
  const signLate = c.status === 'dispatched' && signForOverdue(c.signBy ? new Date(c.signBy) : null, now);

  const start = (a: QueueAction) => {
    if (!ASKS_REASON.has(a) && !ASKS_DEPARTMENT.has(a)) {
      onAction(a, {});
      return;
    }
    setPending(a);
    setReason('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!pending) return;
    const extra: Record<string, unknown> = {};
    if (reason.trim()) extra.reason = reason.trim();
    if (ASKS_DEPARTMENT.has(pending)) extra.departmentCode = department;
    onAction(pending, extra);
    setPending(null);
  };
  const canSubmit = pending !== null && (!NEEDS_REASON.has(pending) || reason.trim() !== '') && (!ASKS_DEPARTMENT.has(pending) || department !== '');

  return (
    <section className="qdetail" data-testid="queue-detail" data-case-id={c.id}>
      <header className={`qdetail__head casecard--${clock.light}`}>
        <div className="qdetail__eyebrow">
          <i className={`dot dot--light-${clock.light}`} />
          <span className="mono">{c.code}</span>
          {c.priority !== 'normal' ? <span className={`badge badge--${c.priority}`}>{t(`labels.priority.${c.priority}`)}</span> : null}
          <span className={`pill pill--${c.status}`} data-testid="queue-detail-status">
            {t(`labels.state.${c.status}`)}
          </span>
        </div>
        <h2 className="qdetail__title">{c.title}</h2>
        <div className="qdetail__sub">
          {c.categoryName} · {c.streetName} · {c.zoneName} · {c.communityName} · {c.gridName}
        </div>
      </header>

      <dl className="qdetail__facts">
        <dt>{t('queue.facts.level')}</dt>
        <dd data-testid="queue-detail-level">{t(`labels.escalation.${c.escalationLevel}`)}</dd>
        <dt>{t('queue.facts.holder')}</dt>
        <dd data-testid="queue-detail-holder">{holderName(c, t('queue.unitKind.district'))}</dd>
        <dt>{t('queue.facts.department')}</dt>
        <dd>{c.departmentName ?? '—'}</dd>
        {c.helperDepartments.length > 0 ? (
          <>
            <dt>{t('queue.facts.helpers')}</dt>
            <dd data-testid="queue-detail-helpers">{c.helperDepartments.map(departmentName).join('、')}</dd>
          </>
        ) : null}
        {c.signBy ? (
          <>
            <dt>{t('queue.facts.signBy')}</dt>
            <dd className={signLate ? 'is-late' : ''} data-testid="queue-detail-signby">
              {formatCstDateTime(new Date(c.signBy))}
              {signLate ? ` · ${t('queue.facts.signLate')}` : ''}
            </dd>
          </>
        ) : null}
        <dt>{t('queue.facts.resolveBy')}</dt>
        <dd className={clock.leftMs < 0 ? 'is-late' : ''}>
          {formatCstDateTime(new Date(c.resolveBy))} · {formatDuration(clock.leftMs, i18n.language)}{' '}
          {clock.leftMs < 0 ? t('dispatch.clock.overdue') : t('dispatch.clock.left')}
        </dd>
        {c.returnCount > 0 ? (
          <>
            <dt>{t('queue.facts.returns')}</dt>
            <dd data-testid="queue-detail-returns">{c.returnCount}</dd>
            <dt>{t('queue.facts.returnReason')}</dt>
            <dd data-testid="queue-detail-return-reason">{c.returnReason ?? '—'}</dd>
          </>
        ) : null}
        <dt>{t('queue.facts.reported')}</dt>
        <dd>{formatCstDateTime(new Date(c.reportedAt))}</dd>
        {c.address ? (
          <>
            <dt>{t('queue.facts.address')}</dt>
            <dd>{c.address}</dd>
          </>
        ) : null}
      </dl>
      {c.description ? <p className="qdetail__desc">{c.description}</p> : null}

      <div className="qdetail__actions">
        <h3>{t('queue.actions.title')}</h3>
        {actions.length === 0 ? (
          <p className="qdetail__none" data-testid="queue-no-actions">
            {c.escalationLevel !== 'grid' && c.status !== 'closed' ? t('queue.actions.heldElsewhere', { level: t(`labels.escalation.${c.escalationLevel}`) }) : t('queue.actions.none')}
          </p>
        ) : (
          <div className="qdetail__buttons">
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={`btn ${PRIMARY.has(a) ? 'btn--primary' : a === 'void' || a === 'return' ? 'btn--danger' : ''}`}
                disabled={busy}
                onClick={() => start(a)}
                data-testid={`queue-action-${a}`}
              >
                {t(`labels.action.${a}`)}
              </button>
            ))}
          </div>
        )}
        {pending ? (
          <form className="qdetail__form" onSubmit={submit} data-testid="queue-action-form">
            <b>{t(`labels.action.${pending}`)}</b>
            {ASKS_DEPARTMENT.has(pending) ? (
              <label className="field">
                <span>{t('queue.actions.department')}</span>
                <select value={department} onChange={(e) => setDepartment(e.target.value)} data-testid="queue-department">
                  <option value="">{t('queue.actions.choose')}</option>
                  {(departments.data?.items ?? []).map((d) => (
                    <option key={d.code} value={d.code}>
                      {locale === 'en' ? d.nameEn : d.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {ASKS_REASON.has(pending) ? (
              <label className="field">
                <span>{t('queue.actions.reason')}</span>
                <textarea
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  rows={3}
                  maxLength={500}
                  aria-label={t('queue.actions.reasonHint')}
                  data-testid="queue-reason"
                />
              </label>
            ) : null}
            <div className="qdetail__formbtns">
              <button type="submit" className="btn btn--primary" disabled={!canSubmit || busy} data-testid="queue-confirm">
                {t('queue.actions.confirm')}
              </button>
              <button type="button" className="btn" onClick={() => setPending(null)}>
                {t('queue.actions.cancel')}
              </button>
            </div>
          </form>
        ) : null}
      </div>

      <ol className="qdetail__timeline" data-testid="queue-timeline">
        {(timeline.data?.items ?? []).slice(-12).reverse().map((e) => (
          <li key={e.id}>
            <time>{formatCstDateTime(new Date(e.at))}</time>
            <b>{typeof e.payload.action === 'string' ? t(`labels.action.${e.payload.action}`) : t(`queue.events.${e.type}`, { defaultValue: e.type })}</b>
            <span>{transitionLabel('case', e.fromState, e.toState, locale) ?? ''}</span>
            {e.actor ? <em>{e.actor.name}</em> : null}
            {e.note ? <q>{e.note}</q> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
