/**
 * Units and accounts (/admin/accounts, 单位与账号; docs/units.md): the unit tree on the left (district → streets →
 * zones → communities, the departments apart) with account totals, the accounts of the chosen unit and the units
 * below it in a table, a drawer to create and edit (roles from rolesForUnitKind, a worker's grids from the unit's
 * grids), switching accounts off and on. Admins only: others go to the login.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCstIso, MANAGED_ROLES, unitKindLabel, type UnitKind } from '@gridcommand/shared/domain';
import type { Account, Unit } from '@gridcommand/shared/schemas';
import { useLoginRedirect } from '../api/session.ts';
import { useMe } from '../dispatch/api.ts';
import { logout } from '../dispatch/session.ts';
import { BrandMark } from '../panels/BrandMark.tsx';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { useToasts } from '../panels/Toasts.tsx';
import { AccountDrawer, errorText } from './AccountDrawer.tsx';
import { UnitTree } from './UnitTree.tsx';
import { useAccounts, useUnits, useUpdateAccount } from './accounts-api.ts';
import './accounts-i18n.ts';
import './calendar.css';
import './accounts.css';

const PATH = '/admin/accounts';
const PAGE_ROWS = 50;

export function AccountsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const unauth = useLoginRedirect(me.error, PATH);
  if (me.isLoading || unauth) return <div className="gcal-locked">{t('accounts.loading')}</div>;
  if (!me.data) return <div className="gcal-locked">{me.error instanceof Error ? me.error.message : t('accounts.loading')}</div>;
  if (me.data.user.role !== 'admin') {
    return (
      <div className="gcal-locked" data-testid="accounts-wrong-role">
        <div className="gcal-locked__box">
          <h1>{t('accounts.title')}</h1>
          <p>{t('accounts.unauthorized')}</p>
          <button type="button" className="gcal-btn gcal-btn--primary" onClick={() => void logout()}>
            {t('accounts.logout')}
          </button>
        </div>
      </div>
    );
  }
  return <AccountsAdmin user={me.data.user} />;
}

type Drawer = { mode: 'create'; unit: Unit } | { mode: 'edit'; account: Account } | null;

function AccountsAdmin({ user }: { user: { id: number; displayName: string } }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const toasts = useToasts();
  const units = useUnits(true);
  const byCode = useMemo(() => new Map((units.data?.items ?? []).map((u) => [u.code, u])), [units.data]);
  const [selected, setSelected] = useState<string | null>(null);
  const unit = (selected ? byCode.get(selected) : undefined) ?? units.data?.items.find((u) => u.kind === 'district') ?? null;
  const [below, setBelow] = useState(true);
  const [role, setRole] = useState('');
  const [state, setState] = useState('');
  const [text, setText] = useState('');
  const [offset, setOffset] = useState(0);
  const [drawer, setDrawer] = useState<Drawer>(null);
  const update = useUpdateAccount();

  const query = useMemo(() => {
    const q = new URLSearchParams();
    if (unit) q.set('unit', unit.code);
    q.set('below', String(below));
    if (role) q.set('role', role);
    if (state) q.set('active', state);
    if (text.trim()) q.set('q', text.trim());
    q.set('limit', String(PAGE_ROWS));
    q.set('offset', String(offset));
    return q.toString();
  }, [unit, below, role, state, text, offset]);
  const accounts = useAccounts(query, unit !== null);
  useEffect(() => setOffset(0), [unit?.code, below, role, state, text]);

  const items = accounts.data?.items ?? [];
  const total = accounts.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_ROWS));
  const roleName = (r: string) => t(`accounts.roles.${r}`, { defaultValue: r });
  const kindName = (k: UnitKind) => unitKindLabel(k, locale);
  const lastLogin = (a: Account) => (a.lastLoginAt ? formatCstIso(Date.parse(a.lastLoginAt)).slice(0, 16).replace('T', ' ') : t('accounts.never'));

  const toggle = (a: Account) => {
    if (a.active && !window.confirm(t('accounts.deactivateConfirm', { name: `${a.displayName} (${a.username})` }))) return;
    update.mutate(
      { id: a.id, patch: { version: a.version, active: !a.active } },
      {
        onError: (e) => toasts.push({ kind: 'error', title: t('accounts.title'), message: errorText(t, e), key: `toggle-${a.id}` }),
        onSuccess: (s) => toasts.push({ kind: 'info', title: t('accounts.form.saved', { username: s.username }), message: s.active ? t('accounts.active') : t('accounts.inactive'), key: `toggle-${a.id}-${s.version}` }),
      },
    );
  };

  return (
    <div className="gcal gacc" data-testid="accounts-page">
      <header className="gcal-head">
        <div className="brand">
          <BrandMark />
          <div className="brand__text">
            <span className="brand__name">{t('app.productLocal')}</span>
            <span className="brand__local">{t('accounts.title')}</span>
          </div>
        </div>
        <span className="gcal-head__sub">{t('accounts.subtitle')}</span>
        <div className="gcal-head__spacer" />
        <nav className="gacc-nav">
          <a className="gcal-link" href="/dispatch">
            {t('accounts.backToDesk')}
          </a>
          <a className="gcal-link" href="/admin/audit">
            {t('accounts.audit')}
          </a>
          <a className="gcal-link" href="/admin/calendar">
            {t('accounts.calendar')}
          </a>
        </nav>
        <div className="gcal-head__user">
          <span>{user.displayName}</span>
          <button type="button" className="gcal-linklike" onClick={() => void logout()}>
            {t('accounts.logout')}
          </button>
        </div>
        <LanguageSwitch />
      </header>
      <div className="gacc-body">
        <UnitTree units={units.data?.items ?? []} selected={unit?.code ?? null} onSelect={setSelected} loading={units.isLoading} />
        <main className="gacc-main">
          <div className="gacc-toolbar">
            <div className="gacc-toolbar__unit">
              {unit ? (
                <>
                  <span className={`gacc-kind is-${unit.kind}`}>{kindName(unit.kind)}</span>
                  <h2 data-testid="accounts-unit">{unit.name}</h2>
                  <span className="mono muted">{unit.code}</span>
                </>
              ) : null}
            </div>
            <label className="gacc-check">
              <input type="checkbox" checked={below} onChange={(e) => setBelow(e.target.checked)} data-testid="accounts-below" />
              {t('accounts.below')}
            </label>
            <select value={role} onChange={(e) => setRole(e.target.value)} aria-label={t('accounts.role')} data-testid="accounts-role">
              <option value="">{t('accounts.anyRole')}</option>
              {MANAGED_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
            <select value={state} onChange={(e) => setState(e.target.value)} aria-label={t('accounts.state')}>
              <option value="">{t('accounts.anyState')}</option>
              <option value="true">{t('accounts.onlyActive')}</option>
              <option value="false">{t('accounts.onlyInactive')}</option>
            </select>
            <input className="gacc-search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('accounts.search')} maxLength={60} data-testid="accounts-search" />
            <div className="gcal-head__spacer" />
            <button type="button" className="gcal-btn gcal-btn--primary" disabled={!unit} onClick={() => unit && setDrawer({ mode: 'create', unit })} data-testid="accounts-create">
              ＋ {t('accounts.create')}
            </button>
          </div>
          <div className="gacc-tablewrap">
            <table className="gacc-table" data-testid="accounts-table">
              <thead>
                <tr>
                  {(['username', 'name', 'role', 'unit', 'grids', 'active', 'lastLogin', 'actions'] as const).map((c) => (
                    <th key={c}>{t(`accounts.cols.${c}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id} className={a.active ? undefined : 'is-off'} data-username={a.username}>
                    <td className="mono">{a.username}</td>
                    <td>{a.displayName}</td>
                    <td>
                      <span className={`gacc-role is-${a.role}`}>{roleName(a.role)}</span>
                    </td>
                    <td>
                      <span className="gacc-unitcell">
                        <span className="muted">{kindName(a.unitKind)}</span> {a.unitName}
                      </span>
                    </td>
                    <td className="mono gacc-grids" title={a.gridCodes.join(', ')}>
                      {a.gridCodes.length === 0 ? '—' : a.gridCodes.length === 1 ? a.gridCodes[0] : `${a.gridCodes[0]} +${a.gridCodes.length - 1}`}
                    </td>
                    <td>
                      <span className={`gacc-state ${a.active ? 'is-on' : 'is-off'}`}>{a.active ? t('accounts.active') : t('accounts.inactive')}</span>
                    </td>
                    <td className="mono muted">{lastLogin(a)}</td>
                    <td className="gacc-actions">
                      <button type="button" className="gcal-linklike" onClick={() => setDrawer({ mode: 'edit', account: a })} data-testid={`edit-${a.username}`}>
                        {t('accounts.edit')}
                      </button>
                      {a.id !== user.id ? (
                        <button type="button" className={`gcal-linklike ${a.active ? 'is-danger' : ''}`} disabled={update.isPending} onClick={() => toggle(a)} data-testid={`toggle-${a.username}`}>
                          {a.active ? t('accounts.deactivate') : t('accounts.reactivate')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {accounts.isLoading ? <div className="gacc-empty">{t('accounts.loading')}</div> : items.length === 0 ? <div className="gacc-empty">{t('accounts.empty')}</div> : null}
          </div>
          <nav className="gacc-pager">
            <span className="muted" data-testid="accounts-total">
              {t('accounts.total', { n: total })}
            </span>
            <div className="gcal-head__spacer" />
            <button type="button" className="gcal-btn gcal-btn--ghost" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_ROWS))}>
              {t('accounts.prev')}
            </button>
            <span className="mono">{t('accounts.page', { n: Math.floor(offset / PAGE_ROWS) + 1, of: pages })}</span>
            <button type="button" className="gcal-btn gcal-btn--ghost" disabled={offset + PAGE_ROWS >= total} onClick={() => setOffset(offset + PAGE_ROWS)}>
              {t('accounts.next')}
            </button>
          </nav>
        </main>
      </div>
      {drawer ? (
        <AccountDrawer
          key={drawer.mode === 'edit' ? `edit-${drawer.account.id}-${drawer.account.version}` : `create-${drawer.unit.code}`}
          units={units.data?.items ?? []}
          account={drawer.mode === 'edit' ? drawer.account : null}
          unit={drawer.mode === 'create' ? drawer.unit : (byCode.get(drawer.account.unitCode) ?? null)}
          selfId={user.id}
          onClose={() => setDrawer(null)}
          onStale={(current) => setDrawer({ mode: 'edit', account: current })}
        />
      ) : null}
    </div>
  );
}
