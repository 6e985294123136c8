/**
 * Who is where (谁在哪): every team with its status, its case (code, lead/support, priority), the street and grid
 * at its position with the position's age, and its ETA to the case. From GET /api/teams/board.
 */
import { useTranslation } from 'react-i18next';
import { POSITION_STALE_MS } from '@gridcommand/shared/domain';
import type { BoardTeam } from '@gridcommand/shared/schemas';
import { formatAge, formatEta } from './clock.ts';
import { useTeamBoard } from './multiTeamApi.ts';
import './multiTeamI18n.ts';
import './multi-team.css';

const ORDER: Record<string, number> = { en_route: 0, on_scene: 1, available: 2, off_duty: 3 };
const PRIORITY_RANK: Record<string, number> = { emergency: 0, urgent: 1, normal: 2 };

export function WhoIsWhere({ onSelectCase }: { onSelectCase?(caseId: number): void }) {
  const { t, i18n } = useTranslation();
  const q = useTeamBoard(true);
  // teams on a case first (emergencies first, each case's lead before its supports), then by status
  const rank = (x: BoardTeam) => (x.case ? PRIORITY_RANK[x.case.priority] ?? 3 : 9);
  const items = [...(q.data?.items ?? [])].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.case?.code ?? '~').localeCompare(b.case?.code ?? '~') ||
      Number(b.case?.role === 'lead') - Number(a.case?.role === 'lead') ||
      (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) ||
      a.code.localeCompare(b.code),
  );
  return (
    <div className="whoiswhere" data-testid="who-is-where">
      {q.isLoading ? <div className="skeleton" /> : null}
      {q.data && items.length === 0 ? <div className="muted">{t('multiTeam.board.empty')}</div> : null}
      <table className="whoiswhere__table">
        <thead>
          <tr>
            <th>{t('multiTeam.board.team')}</th>
            <th>{t('multiTeam.board.case')}</th>
            <th>{t('multiTeam.board.where')}</th>
            <th>{t('multiTeam.board.eta')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((b) => {
            const ageMs = b.positionAgeS === null ? null : b.positionAgeS * 1000;
            const stale = ageMs === null || ageMs > POSITION_STALE_MS;
            return (
              <tr key={b.id} data-testid={`where-${b.code}`} data-status={b.status}>
                <td>
                  <i className={`dot dot--team-${b.status}`} /> <span className="whoiswhere__name">{b.name}</span>
                  <div className="whoiswhere__sub">{t(`labels.teamStatus.${b.status}`)}</div>
                </td>
                <td>
                  {b.case ? (
                    <button type="button" className="whoiswhere__case" disabled={!onSelectCase} onClick={() => onSelectCase?.(b.case!.id)}>
                      <span className="mono">{b.case.code.slice(-6)}</span>
                      <span className={`caseteam__role caseteam__role--${b.case.role}`}>{t(`multiTeam.${b.case.role}`)}</span>
                      {b.case.priority !== 'normal' ? <span className={`badge badge--${b.case.priority}`}>{t(`labels.priority.${b.case.priority}`)}</span> : null}
                    </button>
                  ) : b.reservation ? (
                    <span className="caseteam__role caseteam__role--reserved" title={b.reservation.caseCode}>
                      {t('multiTeam.reserved')} <span className="mono">{b.reservation.caseCode.slice(-6)}</span>
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <div>{b.streetName ?? (b.lon === null ? t('dispatch.teams.noPosition') : t('multiTeam.board.outside'))}</div>
                  <div className={`whoiswhere__sub${stale ? ' is-stale' : ''}`}>
                    {b.gridName ?? ''} {ageMs !== null ? `· ${stale ? '⚠ ' : ''}${formatAge(ageMs, i18n.language)}` : ''}
                  </div>
                </td>
                <td className="mono">{b.etaS === null ? '' : b.etaS === 0 ? t('multiTeam.onScene') : formatEta(b.etaS, i18n.language)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
