/** 大类/小类 with a search box and the worker's recent choices (kept in localStorage) on top. */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category } from '@gridcommand/shared/schemas';
import { useCategories } from '../api.ts';
import { fieldLocale } from '../i18n.ts';

const RECENT_KEY = 'gc.field.recentCategories';
const RECENT_MAX = 6;
const SHOWN_MAX = 60;

export function recentCategories(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberCategory(code: string): void {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([code, ...recentCategories().filter((c) => c !== code)].slice(0, RECENT_MAX)));
  } catch {
    /* storage off */
  }
}

export const categoryName = (c: Category) => (fieldLocale() === 'en' ? c.nameEn || c.name : c.name);
const majorName = (c: Category) => (fieldLocale() === 'en' ? c.majorNameEn || c.majorName : c.majorName);

export function CategoryPicker({ value, onChange }: { value: Category | null; onChange: (c: Category) => void }) {
  const { t } = useTranslation();
  const cats = useCategories();
  const [open, setOpen] = useState(value === null);
  const [q, setQ] = useState('');
  const items = cats.data?.items;
  const recent = useMemo(() => {
    const by = new Map((items ?? []).map((c) => [c.code, c] as const));
    return recentCategories().flatMap((code) => (by.has(code) ? [by.get(code)!] : []));
  }, [items]);
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const hit = (items ?? []).filter(
      (c) => !needle || [c.name, c.nameEn, c.majorName, c.majorNameEn, c.code].some((s) => s.toLowerCase().includes(needle)),
    );
    const out = new Map<string, Category[]>();
    for (const c of hit.slice(0, SHOWN_MAX)) out.set(c.majorCode, [...(out.get(c.majorCode) ?? []), c]);
    return [...out.values()];
  }, [items, q]);

  const choose = (c: Category) => {
    onChange(c);
    setOpen(false);
    setQ('');
  };

  if (!open && value) {
    return (
      <button type="button" className="f-select" onClick={() => setOpen(true)} data-testid="category-current">
        <span className="f-select-major">{majorName(value)}</span>
        <strong>{categoryName(value)}</strong>
        <span className="f-select-caret">›</span>
      </button>
    );
  }
  return (
    <div className="f-catpick" data-testid="category-picker">
      <input
        type="search"
        className="f-input"
        placeholder={t('report.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="category-search"
      />
      {recent.length > 0 && !q ? (
        <div className="f-chips" data-testid="category-recent">
          <span className="f-label">{t('report.recent')}</span>
          {recent.map((c) => (
            <button key={c.code} type="button" className="f-chip-btn" onClick={() => choose(c)}>
              {categoryName(c)}
            </button>
          ))}
        </div>
      ) : null}
      <div className="f-catlist">
        {groups.map((g) => (
          <div key={g[0]!.majorCode} className="f-catgroup">
            <h3>{majorName(g[0]!)}</h3>
            {g.map((c) => (
              <button key={c.code} type="button" className={`f-catitem ${value?.code === c.code ? 'f-on' : ''}`} onClick={() => choose(c)} data-testid={`category-${c.code}`}>
                {categoryName(c)}
              </button>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
