import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Case, NearestResponse, RosterResponse, Team } from '@gridcommand/shared/schemas';
import type { GridDetail } from '../api/types.ts';
import { CaseRow } from './Queues.tsx';
import { CaseTeams, NearestExtra } from './CaseTeams.tsx';
import { caseClock, formatDistance, formatDuration, formatEta } from './clock.ts';
import { CasePhotos, VerificationBlock } from './VerificationBlock.tsx';
import { SpecialistLine } from './SpecialistLine.tsx';

/** Actions of the case state machine offered here (dispatch and reassign go through the team list). */
const PANEL_ACTIONS = ['file', 'approve_return', 'reject_return', 'escalate', 'hand_down', 'void', 'unpark', 'close'] as const;
const NEEDS_REASON = new Set(['void', 'escalate', 'reject_return']);

export interface DetailPanelProps {
  /** the grid's profile (GET /api/grids/:code); null while it loads */
  grid: GridDetail | null;
  gridCode: string;
  /** the case shown (case selection), or the grid's first case awaiting a team (grid selection) */
  focusCase: Case | null;
  mode: 'grid' | 'case';
  gridCases: readonly Case[];
  roster: RosterResponse | undefined;
  nearest: NearestResponse | undefined;
  nearestLoading: boolean;
  now: Date;
  busy: boolean;
  onClose(): void;
  onAssign(team: Team): void;
  onAction(action: string, extra?: Record<string, unknown>): void;
  onSelectCase(c: Case): void;
}

export function DetailPanel(p: DetailPanelProps) {
  const { t, i18n } = useTranslation();
  const [pending, setPending] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const c = p.focusCase;
  const clock = c ? caseClock(c, p.now) : null;
  const canAssign = c !== null && ['reported', 'filed', 'dispatched', 'in_progress'].includes(c.status);
  const actions = c ? PANEL_ACTIONS.filter((a) => c.allowedActions.includes(a)) : [];

  return (
    <section className="dpanel detail" data-testid="detail-panel" data-mode={p.mode}>
      <header className="detail__head">
        <div>
          <div className="detail__eyebrow">
            {p.mode === 'case' ? t('dispatch.panel.case') : t('dispatch.panel.grid')} · <span className="mono">{p.gridCode}</span>
            {p.grid?.displayCode ? <span className="mono"> · {p.grid.displayCode}</span> : null}
          </div>
          <h2 className="detail__title" data-testid="detail-title">
            {p.mode === 'case' && c ? c.title : (p.grid?.name ?? p.gridCode)}
          </h2>
          {p.grid ? (
            <div className="detail__sub">
              {p.grid.street.name} · {p.grid.zone.name} · {p.grid.community.name}
            </div>
          ) : null}
        </div>
        <button type="button" className="iconbtn" onClick={p.onClose} title={t('dispatch.panel.close')} data-testid="detail-close">
          ✕
        </button>
      </header>

      <div className="detail__scroll">
        {c && clock ? (
          <div className={`casecard casecard--${clock.light}`} data-testid="focus-case" data-case-id={c.id}>
            <div className="casecard__top">
              <i className={`dot dot--light-${clock.light}`} />
              <span className="mono">{c.code}</span>
              {c.priority !== 'normal' ? <span className={`badge badge--${c.priority}`}>{t(`labels.priority.${c.priority}`)}</span> : null}
              <span className={`pill pill--${c.status}`} data-testid="focus-case-status">
                {t(`labels.state.${c.status}`)}
              </span>
              <span className={`casecard__clock${clock.leftMs < 0 ? ' is-overdue' : ''}`}>
                {t(`dispatch.clock.${clock.clock}`)} {formatDuration(clock.leftMs, i18n.language)}{' '}
                {clock.leftMs < 0 ? t('dispatch.clock.overdue') : t('dispatch.clock.left')}
              </span>
            </div>
            {p.mode === 'grid' ? <div className="casecard__title">{c.title}</div> : null}
            <dl className="casecard__facts">
              <dt>{t('dispatch.panel.category')}</dt>
              <dd>
                {c.majorName} / {c.categoryName}
              </dd>
              {c.address ? (
                <>
                  <dt>{t('dispatch.panel.address')}</dt>
                  <dd>{c.address}</dd>
                </>
              ) : null}
              {c.reporterName || c.reporterPhone ? (
                <>
                  <dt>{t('dispatch.panel.reporter')}</dt>
                  <dd>
                    {c.reporterName ?? ''} {c.reporterPhone ? <span className="mono">{c.reporterPhone}</span> : null}
                  </dd>
                </>
              ) : null}
              {c.teamName ? (
                <>
                  <dt>{t('dispatch.panel.team')}</dt>
                  <dd>{c.teamName}</dd>
                </>
              ) : null}
              <SpecialistLine caseId={c.id} />
            </dl>
            <CasePhotos c={c} />
            <VerificationBlock c={c} />
            {actions.length > 0 ? (
              <div className="casecard__actions">
                {actions.map((a) => (
                  <button
                    key={a}
                    type="button"
                    className={`btn btn--sm${a === 'void' ? ' btn--danger' : a === 'file' ? ' btn--primary' : ''}`}
                    disabled={p.busy}
                    data-testid={`action-${a}`}
                    onClick={() => {
                      if (NEEDS_REASON.has(a)) {
                        setPending(a);
                        setReason('');
                      } else p.onAction(a);
                    }}
                  >
                    {t(`labels.action.${a}`)}
                    {a === 'file' ? <kbd>f</kbd> : null}
                  </button>
                ))}
              </div>
            ) : null}
            {pending ? (
              <form
                className="casecard__reason"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!reason.trim()) return;
                  p.onAction(pending, { reason: reason.trim() });
                  setPending(null);
                }}
              >
                <input autoFocus placeholder={t('dispatch.panel.reasonPrompt')} value={reason} onChange={(e) => setReason(e.target.value)} />
                <button type="submit" className="btn btn--sm btn--primary">
                  {t(`labels.action.${pending}`)}
                </button>
                <button type="button" className="btn btn--sm btn--ghost" onClick={() => setPending(null)}>
                  ✕
                </button>
              </form>
            ) : null}
          </div>
        ) : null}
        {c && p.mode === 'case' ? <CaseTeams c={c} now={p.now} /> : null}

        <h3 className="detail__h">{t('dispatch.panel.nearest')}</h3>
        {p.nearestLoading ? <div className="skeleton" /> : null}
        {p.nearest && p.nearest.items.length === 0 ? <div className="muted">{t('dispatch.panel.noTeams')}</div> : null}
        <ul className="nearest" data-testid="nearest-teams">
          {p.nearest?.items.map((n, i) => (
            <li key={n.team.id} className="nearest__row" data-testid={`nearest-${n.team.code}`}>
              <span className="nearest__rank">{i + 1}</span>
              <div className="nearest__main">
                <div className="nearest__name">
                  {n.team.name} <span className="teamrow__kind">{t(`labels.teamKind.${n.team.kind}`)}</span>
                </div>
                <div className="nearest__meta">
                  <b>{formatDistance(n.distanceM)}</b> · {t('dispatch.panel.eta')} {formatEta(n.etaS, i18n.language)}
                  {n.team.memberCount ? ` · ${n.team.memberCount}人` : ''}
                </div>
              </div>
              <button
                type="button"
                className="btn btn--sm btn--primary"
                disabled={!canAssign || p.busy}
                onClick={() => p.onAssign(n.team)}
                data-testid={i === 0 ? 'assign-first' : `assign-${n.team.code}`}
                title={c ? `${c.code}` : t('dispatch.panel.noCases')}
              >
                {c && (c.status === 'dispatched' || c.status === 'in_progress') ? t('dispatch.panel.reassign') : t('dispatch.panel.assign')}
                {i === 0 ? <kbd>d</kbd> : null}
              </button>
              {p.mode === 'case' ? <NearestExtra c={c} team={n.team} disabled={!canAssign || p.busy} /> : null}
            </li>
          ))}
        </ul>

        <h3 className="detail__h">
          {t('dispatch.panel.openCases')} <span className="muted">{p.gridCases.length}</span>
        </h3>
        {p.gridCases.length === 0 ? <div className="muted">{t('dispatch.panel.noCases')}</div> : null}
        <ul className="queue__list">
          {p.gridCases.map((gc) => (
            <CaseRow key={gc.id} c={gc} now={p.now} selected={c?.id === gc.id} onSelect={p.onSelectCase} />
          ))}
        </ul>

        <h3 className="detail__h">
          {t('dispatch.panel.roster')}
          {p.roster && !p.roster.phonesVisible ? <span className="muted"> · {t('dispatch.panel.phonesHidden')}</span> : null}
        </h3>
        <ul className="roster" data-testid="roster">
          {p.roster?.staff.map((s) => (
            <li key={s.id}>
              <span className="roster__name">
                {s.name}
                {s.responsible ? <span className="badge badge--ok">{t('dispatch.panel.responsible')}</span> : null}
              </span>
              <span className="roster__role">{t(`roles.${s.role}`, { defaultValue: s.role })}</span>
              <a className="roster__phone mono" href={p.roster?.phonesVisible ? `tel:${s.phone}` : undefined}>
                {s.phone}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
