/**
 * The zero-report rule (零报制) on the bulletins page: the caller's own unit's reports for a month with a form to
 * submit one (a body, or 本期无情况), and the overview of who has and hasn't reported, missing ones in red once the
 * deadline has passed. Scoped by the server: a street sees its own units, the district centre every unit.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UnitReportStatusList, UnitReportStatusRow } from '@gridcommand/shared/schemas';
import { ApiError, apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export function UnitReportsPanel({ month, maxMonth, onMonth }: { month: string; maxMonth: string; onMonth: (m: string) => void }) {
  const { t } = useTranslation();
  const [onlyMissing, setOnlyMissing] = useState(false);
  const list = useQuery({
    queryKey: keys.bulletins.reports(month),
    queryFn: ({ signal }) => apiFetch<UnitReportStatusList>(`/api/unit-reports?period=${month}`, { signal }),
    retry: false,
  });
  const rows = list.data?.items ?? [];
  const mine = rows.filter((r) => r.own);
  const others = rows.filter((r) => !onlyMissing || r.status === 'missing' || r.status === 'late');
  const byKind = useMemo(() => {
    const m = new Map<string, UnitReportStatusRow[]>();
    for (const r of others) m.set(r.kindName, [...(m.get(r.kindName) ?? []), r]);
    return [...m];
  }, [others]);
  const totals = list.data?.totals;

  return (
    <section className="bul__reports" data-testid="unit-reports">
      <div className="bul__reports-head">
        <h2>{t('bulletin.reports.title')}</h2>
        <label className="field">
          <span>{t('bulletin.reports.month')}</span>
          <input type="month" value={month} max={maxMonth} onChange={(e) => e.target.value && onMonth(e.target.value)} data-testid="reports-month" />
        </label>
        <label className="check">
          <input type="checkbox" checked={onlyMissing} onChange={(e) => setOnlyMissing(e.target.checked)} />
          {t('bulletin.reports.onlyMissing')}
        </label>
        {totals && <span className="bul__dim">{t('bulletin.reports.totals', totals)}</span>}
      </div>
      {list.error instanceof Error && <div className="ind__error">{list.error.message}</div>}
      {mine.length > 0 && (
        <div className="bul__mine" data-testid="reports-mine">
          <h3>{t('bulletin.reports.mine')}</h3>
          {mine.map((r) => <OwnReport key={r.kindCode} row={r} month={month} />)}
        </div>
      )}
      <h3>{t('bulletin.reports.overview')}</h3>
      <div className="bul__kinds">
        {byKind.map(([kind, items]) => (
          <div key={kind} className="bul__kind">
            <h4>
              {kind} <span className="bul__dim">{t('bulletin.reports.deadline', { day: items[0]!.deadlineDay })}</span>
            </h4>
            <ul data-testid="reports-overview">
              {items.map((r) => (
                <li key={r.unitCode} className={`bul__st bul__st--${r.status}`} title={r.body ?? ''}>
                  <span>{r.unitName}</span>
                  <em>{t(`bulletin.reports.statuses.${r.status}`)}</em>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}

function OwnReport({ row, month }: { row: UnitReportStatusRow; month: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [nothing, setNothing] = useState(false);
  const [body, setBody] = useState('');
  const submit = useMutation({
    mutationFn: () => apiFetch('/api/unit-reports', { method: 'POST', body: { kind: row.kindCode, period: month, nothingToReport: nothing, ...(nothing ? {} : { body }) } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.bulletins.all() }),
  });
  const done = row.status === 'submitted' || row.status === 'late';
  return (
    <div className={`bul__own bul__st--${row.status}`} data-kind={row.kindCode}>
      <div className="bul__own-head">
        <strong>{row.kindName}</strong>
        <span className="bul__dim">{t('bulletin.reports.deadline', { day: row.deadlineDay })}</span>
        <em>{t(`bulletin.reports.statuses.${row.status}`)}</em>
      </div>
      {done ? (
        <p className="bul__own-body">{row.body}</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit.mutate();
          }}
        >
          <label className="check">
            <input type="checkbox" checked={nothing} onChange={(e) => setNothing(e.target.checked)} data-testid={`nothing-${row.kindCode}`} />
            {t('bulletin.reports.nothing')}
          </label>
          {!nothing && <textarea value={body} onChange={(e) => setBody(e.target.value)} placeholder={t('bulletin.reports.bodyHint')} rows={2} maxLength={4000} />}
          <button type="submit" className="btn btn--primary" disabled={submit.isPending || (!nothing && body.trim() === '')} data-testid={`submit-${row.kindCode}`}>
            {t('bulletin.reports.submit')}
          </button>
          {submit.error instanceof ApiError && <span className="ind__error">{submit.error.message}</span>}
        </form>
      )}
    </div>
  );
}
