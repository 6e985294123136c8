/**
 * The work queue of a unit (/queue, 工作台): the community, 管区, street, district centre or department the account
 * belongs to, its tabs with counts (held here, returns to decide, to verify, to close, escalated up — or, for a
 * department, to sign for, in hand, returned by us), the cases of a tab most urgent first, and the chosen case with
 * the actions the unit may take. Live: case events refresh the counts and lists. A street or the district centre
 * can look at a sub-unit's queue. The desk's parts (case rows, clocks, toasts) are shared with the dispatch console.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Case, QueueUnit } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { useLoginRedirect, useSession } from '../api/session.ts';
import { keys } from '../api/keys.ts';
import { useLive } from '../api/live.ts';
import { caseAction } from '../dispatch/api.ts';
import { CaseRow } from '../dispatch/Queues.tsx';
import { useRunAction } from '../dispatch/useRunAction.ts';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import { PAGE, useAreaChildren, useDepartments, useQueueSummary, useQueueTab } from './api.ts';
import { QueueDetail } from './QueueDetail.tsx';
import './i18n.ts';
import '../dispatch/dispatch.css';
import { useNow } from '../panels/useNow.ts';
import './queue.css';

const WORKERS = new Set(['admin', 'leader', 'dispatcher', 'handler']);

/** The units a caller may look at besides its own: a district's streets and departments, a street's zones, a zone's communities. */
function UnitSwitch({ own, value, onChange }: { own: QueueUnit; value: string; onChange(code: string): void }) {
  const { t, i18n } = useTranslation();
  const browsable = own.kind === 'district' || own.kind === 'street' || own.kind === 'zone';
  const children = useAreaChildren(browsable ? own.code : null);
  const departments = useDepartments(own.kind === 'district');
  if (!browsable) return null;
  return (
    <label className="field qpage__unit">
      <span>{t('queue.viewing')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="queue-unit">
        <option value="">{`${own.name} (${t('queue.own')})`}</option>
        {(children.data?.children ?? []).map((a) => (
          <option key={a.code} value={a.code}>
            {a.name}
          </option>
        ))}
        {(departments.data?.items ?? []).map((d) => (
          <option key={d.code} value={d.code}>
            {i18n.language === 'en' ? d.nameEn : d.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function QueuePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const now = useNow();
  const me = useSession();
  const anonymous = useLoginRedirect(me.error, '/queue');
  const allowed = me.data ? WORKERS.has(me.data.user.role) : false;

  const [unit, setUnit] = useState('');
  const [tab, setTab] = useState<string | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const own = useQueueSummary('', allowed);
  const summary = useQueueSummary(unit, allowed);
  const tabs = summary.data?.tabs ?? [];
  const activeTab = tab !== null && tabs.some((x) => x.tab === tab) ? tab : (tabs[0]?.tab ?? null);
  const list = useQueueTab(allowed ? activeTab : null, unit, limit);
  const items = list.data?.items ?? [];
  const fromList = items.find((c) => c.id === selectedId) ?? null;
  // a case that left the tab after an action stays in view, read afresh
  const single = useQuery({
    queryKey: [...keys.queues.all(), 'case', selectedId],
    queryFn: ({ signal }) => apiFetch<Case>(`/api/cases/${selectedId}`, { signal }),
    enabled: selectedId !== null && fromList === null,
  });
  const selected = fromList ?? single.data ?? null;

  // live: a case event refreshes counts and lists, at most every 2 seconds
  const pendingRefresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    if (pendingRefresh.current) return;
    pendingRefresh.current = setTimeout(() => {
      pendingRefresh.current = null;
      void qc.invalidateQueries({ queryKey: keys.queues.all() });
    }, 2_000);
  }, [qc]);
  useEffect(() => () => {
    if (pendingRefresh.current) clearTimeout(pendingRefresh.current);
  }, []);
  const live = useLive(refresh, { types: ['case.*'], enabled: allowed });

  const { run, busy } = useRunAction(useCallback(() => void qc.invalidateQueries({ queryKey: keys.queues.all() }), [qc]));
  const onAction = (action: string, extra: Record<string, unknown>) => {
    if (!selected) return;
    void run(`queue:${action}:${selected.id}`, () => caseAction(selected, action, extra), (c) =>
      t('queue.done', { action: t(`labels.action.${action}`), code: c.code }),
    );
  };

  const current = useMemo(() => summary.data?.unit ?? null, [summary.data]);
  if (me.isLoading || anonymous) return <div className="insights insights--locked">{t('queue.loading')}</div>;
  if (!allowed) return <LockedPanel title={t('queue.title')} message={t('queue.unauthorized')} next="/queue" login={t('queue.login')} testId="queue-unauthorized" />;

  return (
    <div className="gcd qpage" data-testid="queue-page" data-unit={current?.code ?? ''}>
      <header className="qpage__head">
        <div className="qpage__brand">
          <h1>
            {t('queue.title')} · <span data-testid="queue-unit-name">{current?.name ?? '…'}</span>
          </h1>
          <span>
            {current ? t(`queue.unitKind.${current.kind}`) : ''} · {t('queue.subtitle')}
          </span>
        </div>
        {own.data ? (
          <UnitSwitch
            own={own.data.unit}
            value={unit}
            onChange={(code) => {
              setUnit(code);
              setTab(null);
              setSelectedId(null);
              setLimit(PAGE);
            }}
          />
        ) : null}
        <span className={`qpage__live${live.connected ? ' is-on' : ''}`} title={live.connected ? t('queue.live') : t('queue.offline')}>
          ● {live.connected ? t('queue.live') : t('queue.offline')}
        </span>
        {me.data && me.data.user.role !== 'handler' ? (
          <a className="btn" href="/dispatch">
            {t('queue.toDesk')}
          </a>
        ) : null}
        <LanguageSwitch />
      </header>

      <nav className="qpage__tabs" data-testid="queue-tabs">
        {tabs.map((x) => (
          <button
            key={x.tab}
            type="button"
            className={`qtab${x.tab === activeTab ? ' is-active' : ''}`}
            title={t(`queue.tabHint.${x.tab}`)}
            onClick={() => {
              setTab(x.tab);
              setLimit(PAGE);
            }}
            data-testid={`queue-tab-${x.tab}`}
          >
            <span className="qtab__name">{t(`queue.tabs.${x.tab}`)}</span>
            <b className="qtab__count" data-testid={`queue-count-${x.tab}`}>
              {x.total}
            </b>
            {x.overdue > 0 ? <span className="qtab__overdue">{t('queue.overdue', { n: x.overdue })}</span> : null}
          </button>
        ))}
      </nav>

      <main className="qpage__body">
        <section className="qpage__list dpanel">
          <div className="qpage__listhead">
            <span>{activeTab ? t(`queue.tabHint.${activeTab}`) : ''}</span>
            <b>{t('queue.total', { n: list.data?.total ?? 0 })}</b>
          </div>
          {list.isLoading ? <p className="qpage__empty">{t('queue.loading')}</p> : null}
          {!list.isLoading && items.length === 0 ? (
            <p className="qpage__empty" data-testid="queue-empty">
              {t('queue.empty')}
            </p>
          ) : null}
          <ul className="queue__list" data-testid="queue-list">
            {items.map((c) => (
              <CaseRow key={c.id} c={c} now={now} selected={c.id === selectedId} onSelect={(x) => setSelectedId(x.id)} />
            ))}
          </ul>
          {list.data && list.data.total > items.length ? (
            <button type="button" className="btn qpage__more" onClick={() => setLimit((l) => Math.min(l + PAGE, 200))} disabled={limit >= 200}>
              {t('queue.more')}
            </button>
          ) : null}
        </section>
        <aside className="qpage__detail dpanel">
          {selected ? <QueueDetail c={selected} now={now} busy={busy} onAction={onAction} /> : <p className="qpage__empty">{t('queue.pick')}</p>}
        </aside>
      </main>
    </div>
  );
}
