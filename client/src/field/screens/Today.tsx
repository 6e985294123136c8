/** 今日: my grids on the offline map, and my tasks (to verify, returned for rework, open) with light and time left. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Case, FieldMe } from '@gridcommand/shared/schemas';
import { useTaskLists } from '../api.ts';
import { useGeo } from '../geo.ts';
import { go } from '../route.ts';
import { useOnline, useOutbox } from '../runtime.tsx';
import { GridMap } from '../ui/GridMap.tsx';
import { TaskRow } from '../ui/TaskRow.tsx';
import { clock } from '../ui/format.ts';

type Group = 'verify' | 'rework' | 'open';

function groupOf(c: Case): Group {
  if (c.status === 'handled') return 'verify';
  if (c.reworkCount > 0) return 'rework';
  return 'open';
}

export function TodayScreen({ me }: { me: FieldMe }) {
  const { t } = useTranslation();
  const online = useOnline();
  const lists = useTaskLists(true);
  const geo = useGeo(true);
  const box = useOutbox();
  const pendingVerify = useMemo(
    () => new Set(box.entries.flatMap((e) => (e.payload.kind === 'verify' ? [e.payload.caseId] : []))),
    [box.entries],
  );

  const cases = useMemo(() => {
    const seen = new Set<number>();
    const out: Case[] = [];
    for (const q of lists) for (const c of q.data?.items ?? []) if (!seen.has(c.id)) {
      seen.add(c.id);
      out.push(c);
    }
    return out.sort((a, b) => Date.parse(a.resolveBy) - Date.parse(b.resolveBy));
  }, [lists]);
  const groups: Record<Group, Case[]> = { verify: [], rework: [], open: [] };
  for (const c of cases) groups[groupOf(c)].push(c);
  const loading = lists.some((q) => q.isPending && q.fetchStatus === 'fetching');
  const oldest = Math.min(...lists.map((q) => q.dataUpdatedAt || Infinity));
  const names = me.grids.features.map((f) => (f as { properties?: { name?: string; displayCode?: string } }).properties ?? {});

  return (
    <div className="f-screen" data-testid="screen-today" data-tasks={cases.length} data-loaded={lists.every((q) => q.data !== undefined)}>
      <section className="f-card f-card-flush">
        <div className="f-card-head">
          <h2>{t('today.grids')}</h2>
          <span className="f-muted">{names.length > 0 ? names.map((n) => n.displayCode ?? n.name).join(' · ') : t('today.noGrids')}</span>
        </div>
        <GridMap
          grids={me.grids}
          bbox={me.bbox}
          dots={cases.map((c) => ({ id: c.id, lon: c.lon, lat: c.lat, light: c.light }))}
          me={geo.fix}
          height={230}
        />
      </section>
      {!online && Number.isFinite(oldest) ? <p className="f-stale">{t('today.stale', { time: clock(oldest) })}</p> : null}
      <button type="button" className="f-btn f-btn-primary f-btn-block f-btn-big" onClick={() => go({ name: 'report' })} data-testid="today-report">
        ＋ {t('today.reportCta')}
      </button>
      {(['verify', 'rework', 'open'] as const).map((g) =>
        groups[g].length > 0 ? (
          <section key={g} className="f-section" data-testid={`tasks-${g}`}>
            <h2 className="f-section-title">
              {t(`today.${g}`)} <span className="f-count">{groups[g].length}</span>
            </h2>
            <ul className="f-list">
              {groups[g].map((c) => (
                <TaskRow key={c.id} c={c} waiting={pendingVerify.has(c.id)} />
              ))}
            </ul>
          </section>
        ) : null,
      )}
      {cases.length === 0 ? <p className="f-empty">{loading ? t('today.loading') : t('today.empty')}</p> : null}
    </div>
  );
}
