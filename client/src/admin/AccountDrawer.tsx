/**
 * The drawer of the accounts page: a new account in the chosen unit, or an edit of one (its version sent back; a
 * stale edit reloads the account). Roles offered are the unit kind's (rolesForUnitKind); a worker's grids are chosen
 * from the unit's grids. The server checks the same rules (validateAccount) and its refusal is shown by its code.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { rolesForUnitKind, unitKindLabel, UNIT_KINDS, PASSWORD_MIN_LENGTH, validateAccount } from '@gridcommand/shared/domain';
import type { Account, AccountList, Unit } from '@gridcommand/shared/schemas';
import { ApiError, apiFetch } from '../api/http.ts';
import { useToasts } from '../panels/Toasts.tsx';
import { useCreateAccount, useUnitGrids, useUpdateAccount, type AccountPatch } from './accounts-api.ts';

/** A refusal in the page's words: its code's label when there is one, else the server's message. */
export function errorText(t: TFunction, e: unknown): string {
  if (e instanceof ApiError && e.code) return t(`accounts.errors.${e.code}`, { defaultValue: e.message });
  return e instanceof Error ? e.message : String(e);
}

interface Props {
  units: readonly Unit[];
  /** null: a new account */
  account: Account | null;
  unit: Unit | null;
  selfId: number;
  onClose: () => void;
  onStale: (current: Account) => void;
}

export function AccountDrawer({ units, account, unit, selfId, onClose, onStale }: Props) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const toasts = useToasts();
  const create = useCreateAccount();
  const update = useUpdateAccount();
  const [username, setUsername] = useState(account?.username ?? '');
  const [displayName, setDisplayName] = useState(account?.displayName ?? '');
  const [unitCode, setUnitCode] = useState(account?.unitCode ?? unit?.code ?? '');
  const chosen = units.find((u) => u.code === unitCode) ?? unit;
  const roles = chosen ? rolesForUnitKind(chosen.kind) : [];
  const [role, setRole] = useState<string>(account?.role ?? roles[roles.length - 1] ?? '');
  const [grids, setGrids] = useState<string[]>(account?.gridCodes ?? []);
  const [password, setPassword] = useState('');
  const [active, setActive] = useState(account?.active ?? true);
  const [error, setError] = useState<string | null>(null);
  const unitGrids = useUnitGrids(role === 'worker' && chosen ? chosen.code : null);
  const self = account?.id === selfId;

  // a unit of another kind may not hold the role: take its last (the most common) role
  useEffect(() => {
    if (roles.length > 0 && !(roles as readonly string[]).includes(role)) setRole(roles[roles.length - 1]!);
  }, [roles, role]);

  const byKind = useMemo(() => UNIT_KINDS.map((k) => [k, units.filter((u) => u.kind === k)] as const), [units]);
  const issues = chosen
    ? validateAccount(
        { username: account ? undefined : username, role, unitKind: chosen.kind, gridCodes: role === 'worker' ? grids : [], password: account ? password || undefined : password },
        (unitGrids.data?.items ?? []).map((g) => g.code),
      )
    : [];
  // a field not yet typed in is not marked wrong (the save button waits for it all the same)
  const blank = (field: string) => (field === 'username' && username === '') || (field === 'password' && password === '');
  const issueOf = (field: string) => issues.find((i) => i.field === field && !blank(field) && (field !== 'gridCodes' || unitGrids.isSuccess));
  const pending = create.isPending || update.isPending;

  const reloadStale = async () => {
    const list = await apiFetch<AccountList>(`/api/admin/accounts?q=${encodeURIComponent(account!.username)}&limit=200`);
    const current = list.items.find((a) => a.id === account!.id);
    if (current) onStale(current);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const gridCodes = role === 'worker' ? [...grids].sort() : [];
    if (!account) {
      create.mutate(
        { username, displayName: displayName.trim(), role, unitCode, password, gridCodes },
        {
          onSuccess: (a) => {
            toasts.push({ kind: 'info', title: t('accounts.form.created', { username: a.username }), message: a.unitName, key: `created-${a.id}` });
            onClose();
          },
          onError: (err) => setError(errorText(t, err)),
        },
      );
      return;
    }
    const patch: AccountPatch = { version: account.version };
    if (displayName.trim() !== account.displayName) patch.displayName = displayName.trim();
    if (role !== account.role) patch.role = role;
    if (unitCode !== account.unitCode) patch.unitCode = unitCode;
    if (gridCodes.join() !== [...account.gridCodes].sort().join()) patch.gridCodes = gridCodes;
    if (active !== account.active) patch.active = active;
    if (password !== '') patch.newPassword = password;
    update.mutate(
      { id: account.id, patch },
      {
        onSuccess: (a) => {
          toasts.push({ kind: 'info', title: t('accounts.form.saved', { username: a.username }), message: a.unitName, key: `saved-${a.id}-${a.version}` });
          onClose();
        },
        onError: (err) => {
          if (err instanceof ApiError && err.code === 'STALE_EDIT') {
            toasts.push({ kind: 'error', title: t('accounts.title'), message: t('accounts.form.stale'), key: `stale-${account.id}` });
            void reloadStale();
          } else setError(errorText(t, err));
        },
      },
    );
  };

  const toggleGrid = (code: string) => setGrids(grids.includes(code) ? grids.filter((g) => g !== code) : [...grids, code]);
  const hint = (field: string, text: string) => {
    const issue = issueOf(field);
    return <small className={issue ? 'gacc-field__bad' : 'muted'}>{issue ? t(`accounts.errors.${issue.code}`) : text}</small>;
  };

  return (
    <div className="gacc-drawer-backdrop" onClick={onClose}>
      <form className="gacc-drawer" onClick={(e) => e.stopPropagation()} onSubmit={submit} data-testid="account-drawer">
        <header className="gacc-drawer__head">
          <h2>{account ? t('accounts.form.editTitle', { username: account.username }) : t('accounts.form.createTitle')}</h2>
          <button type="button" className="gcal-btn gcal-btn--icon" onClick={onClose} aria-label={t('accounts.form.cancel')}>
            ×
          </button>
        </header>
        <div className="gacc-drawer__body">
          <label className="gacc-field">
            <span>{t('accounts.form.username')}</span>
            <input value={username} onChange={(e) => setUsername(e.target.value.toLowerCase())} disabled={account !== null} maxLength={40} required autoComplete="off" data-testid="form-username" />
            {account ? null : hint('username', t('accounts.form.usernameHint'))}
          </label>
          <label className="gacc-field">
            <span>{t('accounts.form.displayName')}</span>
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={100} required data-testid="form-name" />
          </label>
          <label className="gacc-field">
            <span>{t('accounts.form.unit')}</span>
            <select value={unitCode} onChange={(e) => setUnitCode(e.target.value)} disabled={self} data-testid="form-unit">
              {byKind.map(([k, list]) =>
                list.length === 0 ? null : (
                  <optgroup key={k} label={unitKindLabel(k, locale)}>
                    {list.map((u) => (
                      <option key={u.code} value={u.code}>
                        {u.name} · {u.code}
                      </option>
                    ))}
                  </optgroup>
                ),
              )}
            </select>
            {chosen ? <small className="muted">{unitKindLabel(chosen.kind, locale)}</small> : null}
          </label>
          <div className="gacc-field">
            <span>{t('accounts.form.role')}</span>
            <div className="gcal-seg" role="radiogroup" data-testid="form-roles">
              {roles.map((r) => (
                <button key={r} type="button" role="radio" aria-checked={role === r} disabled={self} className={`gcal-seg__btn${role === r ? ' is-active' : ''}`} onClick={() => setRole(r)} data-testid={`role-${r}`}>
                  {t(`accounts.roles.${r}`)}
                </button>
              ))}
            </div>
          </div>
          {role === 'worker' ? (
            <div className="gacc-field">
              <span>
                {t('accounts.form.grids')} <em className="muted">({grids.length})</em>
              </span>
              <div className="gacc-grids-pick" data-testid="form-grids">
                {(unitGrids.data?.items ?? []).map((g) => (
                  <label key={g.code} className={grids.includes(g.code) ? 'is-on' : undefined}>
                    <input type="checkbox" checked={grids.includes(g.code)} onChange={() => toggleGrid(g.code)} />
                    <span>{g.name}</span>
                    <span className="mono muted">{g.code.slice(-3)}</span>
                  </label>
                ))}
                {unitGrids.isSuccess && unitGrids.data.items.length === 0 ? <span className="muted">{t('accounts.form.noGrids')}</span> : null}
              </div>
              {hint('gridCodes', t('accounts.form.gridsHint'))}
            </div>
          ) : null}
          <label className="gacc-field">
            <span>{account ? t('accounts.form.newPassword') : t('accounts.form.password')}</span>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={account ? undefined : PASSWORD_MIN_LENGTH} required={!account} autoComplete="new-password" data-testid="form-password" />
            {password === '' && account ? <small className="muted">{t('accounts.form.newPasswordHint')}</small> : hint('password', t('accounts.form.passwordHint'))}
          </label>
          {account ? (
            <label className="gacc-check">
              <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} disabled={self} data-testid="form-active" />
              {t('accounts.form.active')}
            </label>
          ) : null}
          <p className="gacc-note">{t('accounts.form.sessionsNote')}</p>
          {error ? (
            <div className="gacc-error" data-testid="form-error">
              {error}
            </div>
          ) : null}
        </div>
        <footer className="gacc-drawer__foot">
          <button type="button" className="gcal-btn gcal-btn--ghost" onClick={onClose}>
            {t('accounts.form.cancel')}
          </button>
          <button type="submit" className="gcal-btn gcal-btn--primary" disabled={pending || issues.length > 0 || !chosen} data-testid="form-save">
            {pending ? t('accounts.form.saving') : t('accounts.form.save')}
          </button>
        </footer>
      </form>
    </div>
  );
}
