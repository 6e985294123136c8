/**
 * Who has and hasn't reported (零报制): every unit a kind requires, with the status of its report for a period
 * (shared/src/domain/zero-report.ts); and, for the bulletins, the units that missed the latest deadline. Exported for
 * server/src/modules/bulletins.
 */
import {
  addCstDays,
  cstDateKey,
  formatCstIso,
  reportDeadline,
  reportDeadlineDay,
  reportPeriodStart,
  reportStatus,
  type ReportStatus,
} from '@gridcommand/shared/domain';
import type { BulletinMissingReport, UnitReportStatusRow } from '@gridcommand/shared/schemas';
import type { AuthUser } from '../auth/repository.ts';
import { unitOf } from '../cases/scope.ts';
import * as repo from './repository.ts';

type Queryable = Parameters<typeof repo.listKinds>[0];

/** The units a caller's overview covers: the district centre all, a street or zone its area and below, a unit itself. */
export function reportFilterOf(user: AuthUser): repo.UnitFilter {
  const unit = unitOf(user);
  if (user.role === 'admin' || !unit || unit.kind === 'district') return { kind: 'all' };
  return unit.kind === 'department' ? { kind: 'department', code: unit.code } : { kind: 'area', code: unit.code };
}

/** The status of every required unit's report for the period containing `day`, per active kind (or the one asked). */
export async function unitReportStatuses(
  db: Queryable,
  day: string,
  filter: repo.UnitFilter,
  now: Date,
  opts: { kindCode?: string; ownUnit?: string | null } = {},
): Promise<UnitReportStatusRow[]> {
  const { kindCode, ownUnit = null } = opts;
  const kinds = (await repo.listKinds(db, true)).filter((k) => kindCode === undefined || k.code === kindCode);
  const out: UnitReportStatusRow[] = [];
  for (const k of kinds) {
    const start = reportPeriodStart(k.period, day);
    const [units, reports] = await Promise.all([repo.unitsOfKind(db, k.unitKind, filter), repo.reportsOf(db, k.code, start)]);
    const byUnit = new Map(reports.map((r) => [r.unitCode, r]));
    for (const u of units) {
      const r = byUnit.get(u.code) ?? null;
      out.push({
        kindCode: k.code,
        kindName: k.name,
        unitCode: u.code,
        unitName: u.name,
        unitKind: u.kind,
        parentCode: u.parentCode,
        periodStart: start,
        deadlineDay: reportDeadlineDay(k, start),
        status: reportStatus(k, start, r?.submittedAt ?? null, now),
        submittedAt: r ? formatCstIso(r.submittedAt) : null,
        nothingToReport: r ? r.nothingToReport : null,
        body: r ? r.body : null,
        own: u.code === ownUnit,
      });
    }
  }
  return out;
}

export function totalsOf(rows: readonly { status: ReportStatus }[]): Record<ReportStatus, number> {
  const t: Record<ReportStatus, number> = { submitted: 0, late: 0, missing: 0, pending: 0 };
  for (const r of rows) t[r.status]++;
  return t;
}

/**
 * The zero-report findings as of `asOf` (a bulletin's end): for each active kind, its latest period whose deadline had
 * passed by then, and the units that had not reported by that deadline — none at all (missing) or after it (late).
 * A report that came in after `asOf` counts as missing: the bulletin tells what was known at its end.
 */
export async function missingReports(db: Queryable, asOf: Date, filter: repo.UnitFilter = { kind: 'all' }): Promise<BulletinMissingReport[]> {
  const out: BulletinMissingReport[] = [];
  for (const k of await repo.listKinds(db, true)) {
    let start = reportPeriodStart(k.period, cstDateKey(asOf));
    while (reportDeadline(k, start).getTime() > asOf.getTime()) start = reportPeriodStart(k.period, addCstDays(start, -1));
    const [units, reports] = await Promise.all([repo.unitsOfKind(db, k.unitKind, filter), repo.reportsOf(db, k.code, start)]);
    const byUnit = new Map(reports.map((r) => [r.unitCode, r]));
    for (const u of units) {
      const r = byUnit.get(u.code);
      const known = r && r.submittedAt.getTime() < asOf.getTime() ? r.submittedAt : null;
      const status = reportStatus(k, start, known, asOf);
      if (status !== 'missing' && status !== 'late') continue;
      out.push({
        kindCode: k.code,
        kindName: k.name,
        unitCode: u.code,
        unitName: u.name,
        unitKind: u.kind,
        periodStart: start,
        deadlineDay: reportDeadlineDay(k, start),
        status,
        submittedAt: known ? formatCstIso(known) : null,
      });
    }
  }
  return out;
}
