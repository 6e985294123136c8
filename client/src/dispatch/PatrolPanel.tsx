import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCstDateTime, formatCstIso, HOUR_MS, parseCstInstant, startOfCstDay } from '@gridcommand/shared/domain';
import type { CoverageResponse, PatrolZone, Team } from '@gridcommand/shared/schemas';

export interface PatrolPanelProps {
  teams: readonly Team[];
  selected: readonly string[];
  lassoActive: boolean;
  zones: readonly PatrolZone[];
  coverage: CoverageResponse | undefined;
  showCoverage: boolean;
  busy: boolean;
  onToggleLasso(): void;
  onClear(): void;
  onToggleCoverage(): void;
  onCreate(teamId: number, start: Date, end: Date): void;
  onDelete(zone: PatrolZone): void;
  onClose(): void;
}

const SHIFT_MS = 8 * HOUR_MS;

/** The shift that contains `now` in a three-shift day (00–08, 08–16, 16–24, China Standard Time). */
export function currentShift(now: Date): { start: Date; end: Date } {
  const day = startOfCstDay(now).getTime();
  const start = new Date(day + Math.floor((now.getTime() - day) / SHIFT_MS) * SHIFT_MS);
  return { start, end: new Date(start.getTime() + SHIFT_MS) };
}

/** The value of a datetime-local input, in China time whatever the PC's zone: 'YYYY-MM-DDTHH:MM'. */
const toCstInput = (d: Date) => formatCstIso(d).slice(0, 16);
/** The instant a datetime-local input means (China time); null while it is incomplete. */
const fromCstInput = (v: string) => parseCstInstant(`${v}:00+08:00`);

/** Patrol zones: pick grids (shift-click or lasso), give them to a team for a shift; zones and coverage. */
export function PatrolPanel(p: PatrolPanelProps) {
  const { t, i18n } = useTranslation();
  const shift = currentShift(new Date());
  const [teamId, setTeamId] = useState<number | ''>('');
  const [start, setStart] = useState(toCstInput(shift.start));
  const [end, setEnd] = useState(toCstInput(shift.end));
  // 'MM-DD HH:MM' in China time
  const fmt = (iso: string) => formatCstDateTime(Date.parse(iso)).slice(5);
  const cov = p.coverage;
  const share = cov && cov.totalGrids > 0 ? cov.coveredGrids / cov.totalGrids : 0;

  return (
    <section className="dpanel patrol" data-testid="patrol">
      <header className="detail__head">
        <h2 className="detail__title">{t('dispatch.patrol.title')}</h2>
        <button type="button" className="iconbtn" onClick={p.onClose} title={t('dispatch.panel.close')}>
          ✕
        </button>
      </header>
      <div className="detail__scroll">
        <div className="muted">{t('dispatch.patrol.selectHint')}</div>
        <div className="pickrow">
          <button type="button" className={`btn btn--sm${p.lassoActive ? ' btn--primary' : ''}`} onClick={p.onToggleLasso} data-testid="patrol-lasso">
            ⬚ {p.lassoActive ? t('dispatch.patrol.lassoActive') : t('dispatch.patrol.lasso')}
          </button>
          <span data-testid="patrol-selected">{t('dispatch.patrol.selected', { n: p.selected.length })}</span>
          {p.selected.length > 0 ? (
            <button type="button" className="linklike" onClick={p.onClear}>
              {t('dispatch.patrol.clear')}
            </button>
          ) : null}
        </div>
        <form
          className="patrol__form"
          onSubmit={(e) => {
            e.preventDefault();
            const from = fromCstInput(start);
            const to = fromCstInput(end);
            if (teamId === '' || p.selected.length === 0 || !from || !to) return;
            p.onCreate(teamId, from, to);
          }}
        >
          <label className="field">
            <span>{t('dispatch.patrol.team')}</span>
            <select value={teamId} onChange={(e) => setTeamId(e.target.value ? Number(e.target.value) : '')} data-testid="patrol-team">
              <option value="">—</option>
              {p.teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name} · {t(`labels.teamKind.${team.kind}`)}
                </option>
              ))}
            </select>
          </label>
          <div>
            <label className="field">
              <span>{t('dispatch.patrol.start')}</span>
              <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
            </label>
            <label className="field">
              <span>{t('dispatch.patrol.end')}</span>
              <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
            </label>
          </div>
          <button type="submit" className="btn btn--primary btn--block" disabled={p.busy || teamId === '' || p.selected.length === 0} data-testid="patrol-create">
            {t('dispatch.patrol.create')}
          </button>
        </form>

        <h3 className="detail__h">
          {t('dispatch.patrol.coverage')}
          <label className="toggle">
            <input type="checkbox" checked={p.showCoverage} onChange={p.onToggleCoverage} data-testid="coverage-toggle" />
            <span />
          </label>
        </h3>
        {cov ? (
          <div className="coverage" data-testid="coverage">
            <div className="coverage__bar">
              <div style={{ width: `${(share * 100).toFixed(1)}%` }} />
            </div>
            <div className="coverage__nums">
              <span>
                <b>{cov.coveredGrids.toLocaleString(i18n.language)}</b> {t('dispatch.patrol.covered')}
              </span>
              <span className={cov.uncoveredGrids > 0 ? 'is-bad' : ''}>
                <b>{cov.uncoveredGrids.toLocaleString(i18n.language)}</b> {t('dispatch.patrol.uncovered')}
              </span>
            </div>
          </div>
        ) : null}

        <h3 className="detail__h">{t('dispatch.patrol.zones')}</h3>
        {p.zones.length === 0 ? <div className="muted">{t('dispatch.patrol.noZones')}</div> : null}
        <ul className="zones">
          {p.zones.map((z) => (
            <li key={z.id} data-testid={`zone-${z.id}`}>
              <div>
                <div className="zones__team">{z.teamName}</div>
                <div className="muted">
                  {fmt(z.shift.start)} – {fmt(z.shift.end)} · {z.gridCodes.length} {t('stats.grids')}
                </div>
              </div>
              <button type="button" className="btn btn--xs btn--ghost" disabled={p.busy} onClick={() => p.onDelete(z)}>
                {t('dispatch.patrol.delete')}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
