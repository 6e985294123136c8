/**
 * The audit log (/admin/audit, 审计日志): who did what, when — logins, tokens, keys, settings, case and team events
 * and reads of personal data in one timeline (GET /api/admin/audit, docs/audit.md). A filter bar (person, action type,
 * object, time range), the table (CST times), keyset paging, and the CSV of the current filters. Admins and leaders;
 * without a session the login page, with another role a sign-in panel.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { formatCstIso, transitionLabel } from '@gridcommand/shared/domain';
import type { AuditEntry, AuditPage as AuditPageBody } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { useLoginRedirect, useSession } from '../api/session.ts';
import { keys } from '../api/keys.ts';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import { setLanguage } from '../i18n/index.ts';
import { ACTION_GROUPS, OBJECT_TYPES } from './audit-i18n.ts';
import '../wall/insights.css';
import './audit.css';

const PAGE_ROWS = 50;
const READERS = new Set(['admin', 'leader']);

interface Filters {
  user: string;
  action: string;
  objectType: string;
  objectId: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { user: '', action: '', objectType: '', objectId: '', from: '', to: '' };

/** The query string of the filters (empty ones left out), for the page and the CSV alike. */
export function auditQuery(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f) as [keyof Filters, string][]) if (v.trim() !== '') q.set(k, v.trim());
  return q;
}

const cstTime = (iso: string) => formatCstIso(Date.parse(iso)).slice(0, 19).replace('T', ' ');

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const me = useSession();
  const anonymous = useLoginRedirect(me.error, '/admin/audit');
  const allowed = me.data ? READERS.has(me.data.user.role) : false;

  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // the cursors of the pages seen so far: [undefined (the newest), next of page 1, …]
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = useMemo(() => {
    const q = auditQuery(filters);
    q.set('limit', String(PAGE_ROWS));
    if (cursor) q.set('before', cursor);
    return q.toString();
  }, [filters, cursor]);
  const page = useQuery({
    queryKey: keys.admin.audit(query),
    queryFn: ({ signal }) => apiFetch<AuditPageBody>(`/api/admin/audit?${query}`, { signal }),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });

  const actionNames = t('audit.actions', { returnObjects: true }) as Record<string, string>;
  const groupNames = t('audit.groups', { returnObjects: true }) as Record<string, string>;
  const objectNames = t('audit.objects', { returnObjects: true }) as Record<string, string>;
  const roleNames = t('audit.userRoles', { returnObjects: true }) as Record<string, string>;

  if (me.isLoading || anonymous) return <div className="insights insights--locked">{t('audit.loading')}</div>;
  if (!allowed) {
    return <LockedPanel title={t('audit.title')} message={t('audit.unauthorized')} next="/admin/audit" login={t('audit.login')} testId="audit-unauthorized" />;
  }

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
    setCursors([undefined]);
  };
  const reset = () => {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setCursors([undefined]);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const csv = `/api/admin/audit.csv?${auditQuery(filters).toString()}`;
  const items = page.data?.items ?? [];
  const failed = page.error instanceof Error ? page.error.message : null;

  const actor = (r: AuditEntry) => {
    const role = r.actor.role ? (roleNames[r.actor.role] ?? r.actor.role) : '';
    if (!r.actor.username && !r.actor.id) return <span className="audit__dim">{role || t('audit.system')}</span>;
    return (
      <>
        <span className="audit__user">{r.actor.username ?? `#${r.actor.id}`}</span>
        {role && <span className="audit__role">{role}</span>}
      </>
    );
  };

  return (
    <div className="insights audit" data-testid="audit-page">
      <header className="insights__head">
        <div className="insights__brand">
          <h1>{t('audit.title')}</h1>
          <span>{t('audit.subtitle')}</span>
        </div>
        <form className="insights__filters audit__filters" onSubmit={apply} data-testid="audit-filters">
          <label className="field">
            <span>{t('audit.person')}</span>
            <input value={draft.user} onChange={set('user')} placeholder={t('audit.personHint')} maxLength={64} data-testid="audit-user" />
          </label>
          <label className="field">
            <span>{t('audit.action')}</span>
            <select value={draft.action} onChange={set('action')} data-testid="audit-action">
              <option value="">{t('audit.any')}</option>
              {ACTION_GROUPS.map((g) => (
                <optgroup key={g} label={groupNames[g] ?? g}>
                  <option value={g}>{`${groupNames[g] ?? g} · ${t('audit.any')}`}</option>
                  {Object.keys(actionNames)
                    .filter((a) => a.startsWith(g))
                    .map((a) => (
                      <option key={a} value={a}>
                        {actionNames[a]}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('audit.object')}</span>
            <select value={draft.objectType} onChange={set('objectType')} data-testid="audit-object-type">
              <option value="">{t('audit.any')}</option>
              {OBJECT_TYPES.map((o) => (
                <option key={o} value={o}>
                  {objectNames[o]}
                </option>
              ))}
            </select>
            <input className="audit__short" value={draft.objectId} onChange={set('objectId')} placeholder={t('audit.objectId')} maxLength={64} />
          </label>
          <label className="field">
            <span>{t('audit.from')}</span>
            <input type="date" value={draft.from} onChange={set('from')} data-testid="audit-from" />
          </label>
          <label className="field">
            <span>{t('audit.to')}</span>
            <input type="date" value={draft.to} onChange={set('to')} data-testid="audit-to" />
          </label>
          <button type="submit" className="btn btn--primary audit__btn" data-testid="audit-apply">
            {t('audit.apply')}
          </button>
          <button type="button" className="audit__link" onClick={reset}>
            {t('audit.reset')}
          </button>
          <a className="audit__link" href={csv} download data-testid="audit-csv">
            {t('audit.csv')}
          </a>
          <button type="button" className="audit__link" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
            {i18n.language === 'en' ? '中文' : 'EN'}
          </button>
        </form>
      </header>
      <main className="audit__body">
        {failed && <div className="audit__error">{failed}</div>}
        <table className="audit__table" data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('audit.cols.at')}</th>
              <th>{t('audit.cols.actor')}</th>
              <th>{t('audit.cols.action')}</th>
              <th>{t('audit.cols.object')}</th>
              <th>{t('audit.cols.summary')}</th>
              <th>{t('audit.cols.address')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.key} data-action={r.action} className={r.action === 'auth.login_failed' ? 'is-warn' : undefined}>
                <td className="audit__mono">{cstTime(r.at)}</td>
                <td>{actor(r)}</td>
                <td>
                  <span className={`audit__tag audit__tag--${r.action.split('.')[0]}`}>{actionNames[r.action] ?? r.action}</span>
                </td>
                <td>
                  {r.objectType ? (
                    <>
                      <span className="audit__dim">{objectNames[r.objectType] ?? r.objectType}</span> <span className="audit__mono">{r.objectId}</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="audit__summary" title={r.summary}>
                  {[transitionLabel(r.objectType, r.fromState, r.toState, i18n.language === 'en' ? 'en' : 'zh-CN'), r.summary].filter(Boolean).join(' · ') || '—'}
                </td>
                <td className="audit__mono audit__dim">{r.address ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!page.isLoading && items.length === 0 && !failed && <div className="audit__empty">{t('audit.empty')}</div>}
        {page.isLoading && <div className="audit__empty">{t('audit.loading')}</div>}
        <nav className="audit__pager">
          <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="audit-newer">
            {t('audit.newer')}
          </button>
          <span>{t('audit.page', { n: cursors.length })}</span>
          <button
            type="button"
            disabled={!page.data?.next}
            onClick={() => page.data?.next && setCursors([...cursors, page.data.next])}
            data-testid="audit-older"
          >
            {t('audit.older')}
          </button>
        </nav>
      </main>
    </div>
  );
}
