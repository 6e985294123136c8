/**
 * The unit tree of the accounts page: district → streets → zones → communities (collapsible, the chosen unit's path
 * open), the departments apart, each with its active accounts (of the unit and below); a search box that filters by
 * name or code, and a small form to add a department.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { unitKindLabel } from '@gridcommand/shared/domain';
import type { Unit } from '@gridcommand/shared/schemas';
import { useToasts } from '../panels/Toasts.tsx';
import { errorText } from './AccountDrawer.tsx';
import { unitTree, useCreateDepartment, type UnitNode } from './accounts-api.ts';

interface Props {
  units: readonly Unit[];
  selected: string | null;
  onSelect: (code: string) => void;
  loading: boolean;
}

function pathTo(units: readonly Unit[], code: string | null): Set<string> {
  const by = new Map(units.map((u) => [u.code, u]));
  const out = new Set<string>();
  for (let u = code ? by.get(code) : undefined; u; u = u.parentCode ? by.get(u.parentCode) : undefined) out.add(u.code);
  return out;
}

export function UnitTree({ units, selected, onSelect, loading }: Props) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const { roots, departments } = useMemo(() => unitTree(units), [units]);
  const onPath = useMemo(() => pathTo(units, selected), [units, selected]);
  const f = filter.trim().toLowerCase();
  const matches = (u: Unit) => f === '' || u.name.toLowerCase().includes(f) || u.code.toLowerCase().includes(f) || (u.nameEn ?? '').toLowerCase().includes(f);
  const hasMatch = (n: UnitNode): boolean => matches(n.unit) || n.children.some(hasMatch);
  const isOpen = (n: UnitNode) => n.unit.kind === 'district' || onPath.has(n.unit.code) || open.has(n.unit.code) || (f !== '' && n.children.some(hasMatch));
  const flip = (code: string) => {
    const next = new Set(open);
    if (next.has(code)) next.delete(code);
    else next.add(code);
    setOpen(next);
  };

  const row = (u: Unit, total: number, depth: number, toggle: 'open' | 'closed' | null) => (
    <div
      className={`gacc-node is-${u.kind}${u.code === selected ? ' is-selected' : ''}`}
      style={{ paddingLeft: `${0.5 + depth * 0.9}rem` }}
      onClick={() => onSelect(u.code)}
      role="treeitem"
      aria-selected={u.code === selected}
      data-unit={u.code}
      title={`${unitKindLabel(u.kind, locale)} · ${u.code}`}
    >
      <button
        type="button"
        className="gacc-node__twist"
        disabled={toggle === null}
        onClick={(e) => (e.stopPropagation(), flip(u.code))}
        aria-label={toggle === 'open' ? '−' : '+'}
      >
        {toggle === null ? '' : toggle === 'open' ? '▾' : '▸'}
      </button>
      <span className="gacc-node__name">{locale === 'en' && u.nameEn ? u.nameEn : u.name}</span>
      <span className={`gacc-node__count${total === 0 ? ' is-zero' : ''}`}>{total}</span>
    </div>
  );

  const render = (n: UnitNode, depth: number): ReactNode => {
    if (!hasMatch(n)) return null;
    const opened = isOpen(n);
    return (
      <div key={n.unit.code} role="group">
        {row(n.unit, n.total, depth, n.children.length === 0 ? null : opened ? 'open' : 'closed')}
        {opened ? n.children.map((c) => render(c, depth + 1)) : null}
      </div>
    );
  };

  return (
    <aside className="gacc-tree" data-testid="unit-tree">
      <div className="gacc-tree__head">
        <h2 className="card__title">{t('accounts.units')}</h2>
        <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t('accounts.unitSearch')} maxLength={60} data-testid="unit-search" />
      </div>
      <div className="gacc-tree__body" role="tree">
        {loading ? <div className="gacc-empty">{t('accounts.loading')}</div> : roots.map((r) => render(r, 0))}
        <div className="gacc-tree__sep">{t('accounts.departments')}</div>
        {departments.filter(matches).map((d) => row(d, d.accounts, 0, null))}
        <DepartmentForm />
      </div>
    </aside>
  );
}

function DepartmentForm() {
  const { t } = useTranslation();
  const toasts = useToasts();
  const create = useCreateDepartment();
  const [shown, setShown] = useState(false);
  const [d, setD] = useState({ code: '', name: '', nameEn: '' });
  const [error, setError] = useState<string | null>(null);
  if (!shown) {
    return (
      <button type="button" className="gcal-linklike gacc-tree__add" onClick={() => setShown(true)} data-testid="dept-add">
        ＋ {t('accounts.dept.add')}
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    create.mutate(d, {
      onSuccess: (u) => {
        toasts.push({ kind: 'info', title: t('accounts.dept.created', { name: u.name }), message: u.code, key: `dept-${u.code}` });
        setD({ code: '', name: '', nameEn: '' });
        setShown(false);
      },
      onError: (err) => setError(errorText(t, err)),
    });
  };
  return (
    <form className="gacc-deptform" onSubmit={submit}>
      <input value={d.code} onChange={(e) => setD({ ...d, code: e.target.value.toUpperCase() })} placeholder={`${t('accounts.dept.code')} · ${t('accounts.dept.codeHint')}`} maxLength={8} required />
      <input value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} placeholder={t('accounts.dept.name')} maxLength={100} required />
      <input value={d.nameEn} onChange={(e) => setD({ ...d, nameEn: e.target.value })} placeholder={t('accounts.dept.nameEn')} maxLength={200} required />
      {error ? <div className="gacc-error">{error}</div> : null}
      <div className="gacc-deptform__row">
        <button type="button" className="gcal-btn gcal-btn--ghost" onClick={() => setShown(false)}>
          {t('accounts.form.cancel')}
        </button>
        <button type="submit" className="gcal-btn gcal-btn--primary" disabled={create.isPending}>
          {t('accounts.dept.save')}
        </button>
      </div>
    </form>
  );
}
