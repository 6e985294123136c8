import { forwardRef, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { POSITION_STALE_MS, TEAM_STATUSES } from '@gridcommand/shared/domain';
import type { Team } from '@gridcommand/shared/schemas';
import { formatAge } from './clock.ts';
import { WhoIsWhere } from './WhoIsWhere.tsx';

export interface TeamBoardProps {
  teams: readonly Team[];
  now: number;
  selectedTeamId: number | null;
  busyTeamIds: ReadonlySet<number>;
  onSelect(team: Team): void;
  onStep(team: Team, step: 'arrived' | 'finished'): void;
  onStatus(team: Team, status: 'available' | 'off_duty'): void;
  /** a case picked on the who-is-where board */
  onSelectCase?(caseId: number): void;
}

/** The team status board: counts by status, then every team with its position age (stale ones flagged). */
export const TeamBoard = forwardRef<HTMLInputElement, TeamBoardProps>(function TeamBoard(props, searchRef) {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<string>('all');
  const [tab, setTab] = useState<'list' | 'where'>('list');
  const [q, setQ] = useState('');
  const counts = useMemo(() => {
    const c: Record<string, number> = { available: 0, en_route: 0, on_scene: 0, off_duty: 0 };
    for (const team of props.teams) c[team.status] = (c[team.status] ?? 0) + 1;
    return c;
  }, [props.teams]);
  const order: Record<string, number> = { en_route: 0, on_scene: 1, available: 2, off_duty: 3 };
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return props.teams
      .filter((team) => filter === 'all' || team.status === filter)
      .filter((team) => !needle || team.name.toLowerCase().includes(needle) || team.code.toLowerCase().includes(needle))
      .sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || a.code.localeCompare(b.code));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.teams, filter, q]);

  return (
    <section className="dpanel teamboard" data-testid="team-board">
      <header className="dpanel__head">
        <h2>{t('dispatch.teams.title')}</h2>
        <span className="dpanel__count">{props.teams.length}</span>
      </header>
      <div className="teamboard__tabs" role="tablist">
        <button type="button" role="tab" className={`chip${tab === 'list' ? ' is-active' : ''}`} onClick={() => setTab('list')} data-testid="team-tab-list">
          {t('multiTeam.board.list')}
        </button>
        <button type="button" role="tab" className={`chip${tab === 'where' ? ' is-active' : ''}`} onClick={() => setTab('where')} data-testid="team-tab-where">
          {t('multiTeam.board.tab')}
        </button>
      </div>
      {tab === 'where' ? <WhoIsWhere onSelectCase={props.onSelectCase} /> : null}
      {tab === 'list' ? (
      <>
      <div className="teamboard__chips" role="tablist">
        <button type="button" className={`chip${filter === 'all' ? ' is-active' : ''}`} onClick={() => setFilter('all')}>
          ∑ {props.teams.length}
        </button>
        {TEAM_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip chip--${s}${filter === s ? ' is-active' : ''}`}
            onClick={() => setFilter(filter === s ? 'all' : s)}
            data-testid={`team-count-${s}`}
          >
            <i className={`dot dot--team-${s}`} />
            {t(`labels.teamStatus.${s}`)} <b>{counts[s] ?? 0}</b>
          </button>
        ))}
      </div>
      <input
        ref={searchRef}
        className="teamboard__search"
        placeholder={t('dispatch.teams.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setQ('');
            (e.target as HTMLInputElement).blur();
          }
        }}
        data-testid="team-search"
      />
      <ul className="teamboard__list">
        {rows.map((team) => {
          const age = team.positionAt ? props.now - new Date(team.positionAt).getTime() : null;
          const stale = age === null || age > POSITION_STALE_MS;
          const busy = props.busyTeamIds.has(team.id);
          return (
            <li
              key={team.id}
              className={`teamrow${props.selectedTeamId === team.id ? ' is-selected' : ''}`}
              data-testid={`team-row-${team.code}`}
              data-status={team.status}
              onClick={() => props.onSelect(team)}
            >
              <i className={`dot dot--team-${team.status}`} />
              <div className="teamrow__main">
                <div className="teamrow__name">
                  {team.name}
                  <span className="teamrow__kind">{t(`labels.teamKind.${team.kind}`)}</span>
                </div>
                <div className="teamrow__meta">
                  <span className={`teamrow__status teamrow__status--${team.status}`} data-testid={`team-status-${team.code}`}>
                    {t(`labels.teamStatus.${team.status}`)}
                  </span>
                  {team.currentCaseId !== null ? (
                    <span className="teamrow__case">
                      #{team.currentCaseId}
                      {team.currentRole === 'support' ? ` · ${t('multiTeam.support')}` : ''}
                    </span>
                  ) : null}
                  {team.reservation && team.status === 'available' ? <span className="caseteam__role caseteam__role--reserved">{t('multiTeam.reserved')}</span> : null}
                  <span className={`teamrow__age${stale ? ' is-stale' : ''}`} title={stale ? t('dispatch.teams.stale') : undefined}>
                    {age === null ? t('dispatch.teams.noPosition') : `${stale ? '⚠ ' : ''}${formatAge(age, i18n.language)}`}
                  </span>
                </div>
              </div>
              <div className="teamrow__actions" onClick={(e) => e.stopPropagation()}>
                {team.status === 'en_route' ? (
                  <button type="button" className="btn btn--xs" disabled={busy} onClick={() => props.onStep(team, 'arrived')}>
                    {t('dispatch.teams.arrived')}
                  </button>
                ) : null}
                {team.status === 'en_route' || team.status === 'on_scene' ? (
                  <button type="button" className="btn btn--xs" disabled={busy} onClick={() => props.onStep(team, 'finished')}>
                    {t('dispatch.teams.finished')}
                  </button>
                ) : null}
                {team.status === 'available' ? (
                  <button type="button" className="btn btn--xs btn--ghost" disabled={busy} onClick={() => props.onStatus(team, 'off_duty')}>
                    {t('dispatch.teams.offDuty')}
                  </button>
                ) : null}
                {team.status === 'off_duty' ? (
                  <button type="button" className="btn btn--xs btn--ghost" disabled={busy} onClick={() => props.onStatus(team, 'available')}>
                    {t('dispatch.teams.onDuty')}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      </>
      ) : null}
    </section>
  );
});
