/**
 * What the problem is, in plain words: a citizen does not know 小类 codes. A few common problems first (and the
 * ones chosen lately on this phone), a search by name, and everything grouped by 大类.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category } from '@gridcommand/shared/schemas';
import { useCategories } from '../api.ts';
import { citizenLocale } from '../i18n.ts';

/** 井盖缺失, 路灯损坏, 暴露垃圾, 违规停车, 道路破损, 社会生活噪声, 共享单车乱停放, 占道经营 */
const COMMON = ['05001', '05002', '01001', '02001', '05003', '11004', '02004', '01003'];
const RECENT_KEY = 'gc.citizen.recentCategories';

export const categoryName = (c: Category) => (citizenLocale() === 'en' ? c.nameEn || c.name : c.name);
export const majorName = (c: Category) => (citizenLocale() === 'en' ? c.majorNameEn || c.majorName : c.majorName);

function rememberCategory(code: string): void {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([code, ...recent().filter((c) => c !== code)].slice(0, 4)));
  } catch {
    /* storage off */
  }
}

function recent(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function CategoryChooser({ value, onChange }: { value: Category | null; onChange: (c: Category | null) => void }) {
  const { t } = useTranslation();
  const cats = useCategories();
  const [q, setQ] = useState('');
  const [openMajor, setOpenMajor] = useState<string | null>(null);
  const items = useMemo(() => cats.data?.items ?? [], [cats.data]);
  const byCode = useMemo(() => new Map(items.map((c) => [c.code, c] as const)), [items]);
  const top = useMemo(() => {
    const codes = [...new Set([...recent(), ...COMMON])];
    return codes.flatMap((c) => (byCode.has(c) ? [byCode.get(c)!] : [])).slice(0, 8);
  }, [byCode]);
  const hits = useMemo(() => {
    const needle = q.trim().toLowerCase();
    if (!needle) return [];
    return items.filter((c) => [c.name, c.nameEn, c.majorName, c.majorNameEn].some((s) => s.toLowerCase().includes(needle)));
  }, [items, q]);
  const majors = useMemo(() => {
    const out = new Map<string, Category[]>();
    for (const c of items) out.set(c.majorCode, [...(out.get(c.majorCode) ?? []), c]);
    return [...out.values()];
  }, [items]);

  const choose = (c: Category) => {
    rememberCategory(c.code);
    onChange(c);
    setQ('');
    setOpenMajor(null);
  };

  if (value) {
    return (
      <div className="c-chosen" data-testid="category-chosen" data-code={value.code}>
        <div>
          <span className="c-muted">{majorName(value)}</span>
          <strong>{categoryName(value)}</strong>
        </div>
        <button type="button" className="c-btn c-btn-ghost" onClick={() => onChange(null)} data-testid="category-change">
          {t('category.change')}
        </button>
      </div>
    );
  }
  if (cats.isPending) return <p className="c-muted">{t('category.loading')}</p>;
  const item = (c: Category) => (
    <button key={c.code} type="button" className="c-choice" onClick={() => choose(c)} data-testid={`category-${c.code}`}>
      {categoryName(c)}
    </button>
  );
  return (
    <div className="c-cats" data-testid="category-chooser">
      <input
        type="search"
        className="c-input"
        placeholder={t('category.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        aria-label={t('category.search')}
        data-testid="category-search"
      />
      {q.trim() ? (
        <div className="c-choices" data-testid="category-hits">
          {hits.length ? hits.slice(0, 24).map(item) : <p className="c-muted">{t('category.none')}</p>}
        </div>
      ) : (
        <>
          <h3 className="c-sub">{t('category.common')}</h3>
          <div className="c-choices" data-testid="category-common">
            {top.map(item)}
          </div>
          <h3 className="c-sub">{t('category.all')}</h3>
          <div className="c-majors">
            {majors.map((g) => {
              const m = g[0]!;
              const open = openMajor === m.majorCode;
              return (
                <div key={m.majorCode} className={`c-major ${open ? 'c-open' : ''}`}>
                  <button type="button" className="c-major-head" aria-expanded={open} onClick={() => setOpenMajor(open ? null : m.majorCode)} data-testid={`major-${m.majorCode}`}>
                    <span>{majorName(m)}</span>
                    <span className="c-caret" aria-hidden="true">{open ? '−' : '+'}</span>
                  </button>
                  {open ? <div className="c-choices">{g.map(item)}</div> : null}
                </div>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}

/** 突发事件 (fires, gas, collapses…): the page says to call the emergency numbers too. */
export const isEmergency = (c: Category | null) => c?.majorCode === '04';
