/**
 * The grid panel's base data (基础数据): counts per kind for every role that may see the grid; for the roles allowed
 * (admin, dispatcher, the grid's own worker) a click on a kind lists its records — each such read is logged.
 * Without a login (the public map) the section is not shown.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BaseKind } from '@gridcommand/shared/domain';
import { useGridBase } from './api.ts';
import './i18n.ts';
import './specialist.css';

export function BaseDataSection({ code }: { code: string }) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<BaseKind | null>(null);
  const base = useGridBase(code, null);
  const records = useGridBase(code, kind);
  if (!base.data) return null;
  const b = base.data;
  const fmt = (n: number) => n.toLocaleString(i18n.language);
  return (
    <section className="panel__section" data-testid="grid-base">
      <div className="section__title">
        {t('specialist.base.title')}
        <span className="count">{b.mayReadRecords ? t('specialist.base.records') : t('specialist.base.noAccess')}</span>
      </div>
      <div className="base">
        {b.counts.map((c) => {
          const inner = (
            <>
              <div className="base__value">{fmt(c.count)}</div>
              <div className="base__label">{t(`specialist.base.kind.${c.kind}`)}</div>
            </>
          );
          return b.mayReadRecords ? (
            <button
              key={c.kind}
              type="button"
              className={`base__cell${kind === c.kind ? ' is-on' : ''}`}
              data-testid={`base-${c.kind}`}
              onClick={() => setKind(kind === c.kind ? null : c.kind)}
              title={t('specialist.base.recorded', { n: c.recorded })}
            >
              {inner}
            </button>
          ) : (
            <div key={c.kind} className="base__cell" data-testid={`base-${c.kind}`}>
              {inner}
            </div>
          );
        })}
      </div>
      {kind && b.mayReadRecords ? (
        records.data?.records ? (
          records.data.records.length === 0 ? (
            <div className="base__note">{t('specialist.base.empty')}</div>
          ) : (
            <ul className="base__records" data-testid="base-records">
              {records.data.records.map((r) => (
                <li key={r.id} className="base__record">
                  <span>{r.name}</span>
                  <span className="mono">{r.contactPhone ?? ''}</span>
                  <small>
                    {r.detail}
                    {r.address ? ` · ${r.address}` : ''}
                    {r.contactName ? ` · ${r.contactName}` : ''}
                  </small>
                </li>
              ))}
            </ul>
          )
        ) : (
          <div className="base__note">{t('specialist.base.loading')}</div>
        )
      ) : null}
      {b.mayReadRecords ? <div className="base__note">{t('specialist.base.logged')}</div> : null}
    </section>
  );
}
