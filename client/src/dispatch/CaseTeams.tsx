/**
 * Several teams on a case, in the case detail: the lead and supporting teams with their own state, distance and
 * ETA, stand down one supporting team, the teams reserved for the case; and the 增援 / 预留 buttons of a nearest
 * team. Each write refreshes the case's teams, the nearest teams and the team list.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { supportAllowed } from '@gridcommand/shared/domain';
import type { Case, Team } from '@gridcommand/shared/schemas';
import { keys } from '../api/keys.ts';
import { formatAge, formatDistance, formatEta } from './clock.ts';
import { addSupport, releaseReservation, reserveTeam, standDownSupport, useCaseTeams } from './multiTeamApi.ts';
import { useRunAction } from './useRunAction.ts';
import './multiTeamI18n.ts';
import './multi-team.css';

function useMultiTeamRun() {
  const qc = useQueryClient();
  const refresh = useCallback(() => {
    void qc.invalidateQueries({ queryKey: keys.dispatch.caseTeamsAll() });
    void qc.invalidateQueries({ queryKey: keys.dispatch.nearestAll() });
    void qc.invalidateQueries({ queryKey: keys.dispatch.teamBoard() });
    void qc.invalidateQueries({ queryKey: keys.teams() });
  }, [qc]);
  return useRunAction(refresh);
}

export function CaseTeams({ c, now }: { c: Case; now: Date }) {
  const { t, i18n } = useTranslation();
  const q = useCaseTeams(c.id);
  const { run, busy } = useMultiTeamRun();
  const data = q.data;
  return (
    <div className="caseteams" data-testid="case-teams">
      <h3 className="detail__h">
        {t('multiTeam.title')} <span className="muted">{data?.items.length ?? 0}</span>
      </h3>
      {data && data.items.length === 0 ? <div className="muted">{t('multiTeam.none')}</div> : null}
      <ul className="caseteams__list">
        {data?.items.map((it) => (
          <li key={it.team.id} className={`caseteam caseteam--${it.role}`} data-testid={`case-team-${it.team.code}`} data-role={it.role}>
            <span className={`caseteam__role caseteam__role--${it.role}`}>{t(`multiTeam.${it.role}`)}</span>
            <i className={`dot dot--team-${it.state}`} />
            <div className="caseteam__main">
              <div className="caseteam__name">{it.team.name}</div>
              <div className="caseteam__meta">
                {t(`labels.teamStatus.${it.state}`)}
                {it.distanceM !== null && it.state === 'en_route' ? ` · ${formatDistance(it.distanceM)}` : ''}
                {it.etaS !== null && it.state === 'en_route' ? ` · ${t('multiTeam.eta', { eta: formatEta(it.etaS, i18n.language) })}` : ''}
                {' · '}
                {t('multiTeam.since', { age: formatAge(now.getTime() - Date.parse(it.since), i18n.language) })}
              </div>
            </div>
            {it.role === 'support' ? (
              <button
                type="button"
                className="btn btn--xs btn--ghost"
                disabled={busy}
                data-testid={`stand-down-${it.team.code}`}
                onClick={() => void run('stand-down', () => standDownSupport(c.id, it.team.id), () => t('multiTeam.result.stoodDown', { team: it.team.name }))}
              >
                {t('multiTeam.standDown')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {data && data.reservations.length > 0 ? (
        <>
          <h3 className="detail__h">{t('multiTeam.reservations')}</h3>
          <ul className="caseteams__list">
            {data.reservations.map((r) => (
              <li key={r.id} className="caseteam caseteam--reserved" data-testid={`reservation-${r.teamCode}`}>
                <span className="caseteam__role caseteam__role--reserved">{t('multiTeam.reserved')}</span>
                <div className="caseteam__main">
                  <div className="caseteam__name">{r.teamName}</div>
                  <div className="caseteam__meta">
                    {t('multiTeam.reservedUntil', { time: new Date(r.until).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' }) })}
                  </div>
                </div>
                <button
                  type="button"
                  className="btn btn--xs btn--ghost"
                  disabled={busy}
                  onClick={() => void run('release', () => releaseReservation(r.teamId), () => t('multiTeam.result.released', { team: r.teamName }))}
                >
                  {t('multiTeam.release')}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** The 增援 and 预留 buttons beside a nearest available team. */
export function NearestExtra({ c, team, disabled }: { c: Case | null; team: Team; disabled: boolean }) {
  const { t } = useTranslation();
  const { run, busy } = useMultiTeamRun();
  if (!c) return null;
  const canSupport = supportAllowed(c.status);
  const reservedHere = team.reservation?.caseId === c.id;
  return (
    <>
      <button
        type="button"
        className="btn btn--xs"
        disabled={disabled || busy || !canSupport}
        title={canSupport ? undefined : t('multiTeam.supportHint')}
        data-testid={`support-${team.code}`}
        onClick={() => void run('support', () => addSupport(c, team), () => t('multiTeam.result.support', { team: team.name, case: c.code }))}
      >
        {t('multiTeam.addSupport')}
      </button>
      <button
        type="button"
        className={`btn btn--xs btn--ghost${reservedHere ? ' is-active' : ''}`}
        disabled={disabled || busy || reservedHere}
        data-testid={`reserve-${team.code}`}
        onClick={() => void run('reserve', () => reserveTeam(c.id, team.id), () => t('multiTeam.result.reserved', { team: team.name }))}
      >
        {reservedHere ? t('multiTeam.reserved') : t('multiTeam.reserve')}
      </button>
    </>
  );
}
