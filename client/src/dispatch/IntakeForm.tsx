import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category } from '@gridcommand/shared/schemas';

export interface IntakeValues {
  categoryCode: string;
  priority: 'normal' | 'urgent' | 'emergency';
  title: string;
  description: string;
  address: string;
  reporterName: string;
  reporterPhone: string;
}

export interface IntakeFormProps {
  categories: readonly Category[];
  point: { lon: number; lat: number } | null;
  located: { gridName: string; gridCode: string; place: string } | 'outside' | 'locating' | null;
  picking: boolean;
  busy: boolean;
  onPick(): void;
  onSubmit(values: IntakeValues): void;
  onCancel(): void;
}

/** Hotline intake (12345-style): the operator types the caller's report and picks the place on the map. */
export function IntakeForm(p: IntakeFormProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [v, setV] = useState<IntakeValues>({
    categoryCode: '',
    priority: 'normal',
    title: '',
    description: '',
    address: '',
    reporterName: '',
    reporterPhone: '',
  });
  const set = <K extends keyof IntakeValues>(k: K, value: IntakeValues[K]) => setV((old) => ({ ...old, [k]: value }));
  const groups = useMemo(() => {
    const m = new Map<string, Category[]>();
    for (const c of p.categories) {
      const key = zh ? c.majorName : c.majorNameEn;
      m.set(key, [...(m.get(key) ?? []), c]);
    }
    return [...m.entries()];
  }, [p.categories, zh]);
  const ready = v.categoryCode !== '' && v.title.trim() !== '' && p.point !== null && typeof p.located === 'object' && p.located !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) p.onSubmit(v);
  };

  return (
    <section className="dpanel intake" data-testid="intake">
      <header className="detail__head">
        <h2 className="detail__title">{t('dispatch.intake.title')}</h2>
        <button type="button" className="iconbtn" onClick={p.onCancel} title={t('dispatch.panel.close')}>
          ✕
        </button>
      </header>
      <form className="detail__scroll intake__form" onSubmit={submit}>
        <label className="field">
          <span>{t('dispatch.intake.category')}</span>
          <select value={v.categoryCode} onChange={(e) => set('categoryCode', e.target.value)} required data-testid="intake-category">
            <option value="">—</option>
            {groups.map(([major, list]) => (
              <optgroup key={major} label={major}>
                {list.map((c) => (
                  <option key={c.code} value={c.code}>
                    {zh ? c.name : c.nameEn}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <div className="field">
          <span>{t('dispatch.intake.priority')}</span>
          <div className="seg" role="radiogroup">
            {(['normal', 'urgent', 'emergency'] as const).map((pr) => (
              <button
                key={pr}
                type="button"
                role="radio"
                aria-checked={v.priority === pr}
                className={`seg__btn seg__btn--${pr}${v.priority === pr ? ' is-active' : ''}`}
                onClick={() => set('priority', pr)}
              >
                {t(`labels.priority.${pr}`)}
              </button>
            ))}
          </div>
        </div>
        <label className="field">
          <span>{t('dispatch.intake.titleField')}</span>
          <input value={v.title} maxLength={200} onChange={(e) => set('title', e.target.value)} required data-testid="intake-title" />
        </label>
        <label className="field">
          <span>{t('dispatch.intake.description')}</span>
          <textarea rows={3} maxLength={4000} value={v.description} onChange={(e) => set('description', e.target.value)} />
        </label>
        <label className="field">
          <span>{t('dispatch.intake.address')}</span>
          <input value={v.address} maxLength={300} onChange={(e) => set('address', e.target.value)} />
        </label>
        <div className="field">
          <span>{t('dispatch.intake.located')}</span>
          <div className="pickrow">
            <button type="button" className={`btn btn--sm${p.picking ? ' btn--primary' : ''}`} onClick={p.onPick} data-testid="intake-pick">
              ◎ {t('dispatch.intake.pick')}
            </button>
            <span className={`pickrow__out${p.located === 'outside' ? ' is-bad' : ''}`} data-testid="intake-located">
              {p.picking
                ? t('dispatch.intake.picking')
                : p.located === 'outside'
                  ? t('dispatch.intake.outside')
                  : p.located === 'locating'
                    ? t('dispatch.intake.locating')
                  : p.located
                    ? `${p.located.gridName} · ${p.located.place}`
                    : t('dispatch.intake.notLocated')}
            </span>
          </div>
          {p.point ? (
            <span className="mono muted">
              {p.point.lon.toFixed(5)}°E {p.point.lat.toFixed(5)}°N
            </span>
          ) : null}
        </div>
        <div className="field-row">
          <label className="field">
            <span>{t('dispatch.intake.reporterName')}</span>
            <input value={v.reporterName} maxLength={100} onChange={(e) => set('reporterName', e.target.value)} />
          </label>
          <label className="field">
            <span>{t('dispatch.intake.reporterPhone')}</span>
            <input value={v.reporterPhone} pattern="[0-9+\- ]{3,30}" inputMode="tel" onChange={(e) => set('reporterPhone', e.target.value)} />
          </label>
        </div>
        <div className="intake__buttons">
          <button type="button" className="btn btn--ghost" onClick={p.onCancel}>
            {t('dispatch.intake.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={!ready || p.busy} data-testid="intake-submit">
            {t('dispatch.intake.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
