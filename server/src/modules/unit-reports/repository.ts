/** SQL of the zero-report rule (零报制, docs/bulletins.md#zero-report): report kinds, the units that must report, submissions. */
import type pg from 'pg';
import type { ReportPeriod, ReportUnitKind } from '@gridcommand/shared/domain';

type Queryable = Pick<pg.Pool, 'query'>;

export interface KindRow {
  code: string;
  name: string;
  nameEn: string;
  unitKind: ReportUnitKind;
  period: ReportPeriod;
  deadlineDay: number;
  active: boolean;
}

const KIND_COLUMNS = `code, name, name_en AS "nameEn", unit_kind AS "unitKind", period, deadline_day AS "deadlineDay", active`;

export async function listKinds(db: Queryable, activeOnly = false): Promise<KindRow[]> {
  const { rows } = await db.query<KindRow>(`SELECT ${KIND_COLUMNS} FROM report_kind WHERE active OR NOT $1 ORDER BY code`, [activeOnly]);
  return rows;
}

export async function findKind(db: Queryable, code: string): Promise<KindRow | null> {
  const { rows } = await db.query<KindRow>(`SELECT ${KIND_COLUMNS} FROM report_kind WHERE code = $1`, [code]);
  return rows[0] ?? null;
}

/** Which units a caller sees: all (the district centre), an area unit and its units below, or one department. */
export type UnitFilter = { kind: 'all' } | { kind: 'area'; code: string } | { kind: 'department'; code: string };

export interface UnitRow {
  code: string;
  name: string;
  kind: string;
  parentCode: string | null;
}

/** The units of a kind, within the filter, by code. */
export async function unitsOfKind(db: Queryable, unitKind: ReportUnitKind, filter: UnitFilter): Promise<UnitRow[]> {
  const where =
    filter.kind === 'all' ? 'true' : filter.kind === 'department' ? `o.code = $2` : `(o.code = $2 OR a.street_code = $2 OR a.zone_code = $2 OR a.community_code = $2)`;
  const { rows } = await db.query<UnitRow>(
    `SELECT o.code, o.name, o.kind, o.parent_code AS "parentCode"
       FROM org_unit o LEFT JOIN area a ON a.code = o.area_code
      WHERE o.kind = $1 AND ${where}
      ORDER BY o.code`,
    filter.kind === 'all' ? [unitKind] : [unitKind, filter.code],
  );
  return rows;
}

export async function findUnit(db: Queryable, code: string): Promise<UnitRow | null> {
  const { rows } = await db.query<UnitRow>(`SELECT code, name, kind, parent_code AS "parentCode" FROM org_unit WHERE code = $1`, [code]);
  return rows[0] ?? null;
}

export interface ReportRow {
  id: number;
  kindCode: string;
  unitCode: string;
  periodStart: string;
  nothingToReport: boolean;
  body: string | null;
  counts: Record<string, number>;
  submittedAt: Date;
}

const REPORT_COLUMNS = `id, kind_code AS "kindCode", unit_code AS "unitCode", to_char(period_start, 'YYYY-MM-DD') AS "periodStart",
  nothing_to_report AS "nothingToReport", body, counts, submitted_at AS "submittedAt"`;

/** The submissions of one kind for one period. */
export async function reportsOf(db: Queryable, kindCode: string, periodStart: string): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM unit_report WHERE kind_code = $1 AND period_start = $2::date`, [kindCode, periodStart]);
  return rows;
}

export async function findReport(db: Queryable, kindCode: string, unitCode: string, periodStart: string): Promise<ReportRow | null> {
  const { rows } = await db.query<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM unit_report WHERE kind_code = $1 AND unit_code = $2 AND period_start = $3::date`,
    [kindCode, unitCode, periodStart],
  );
  return rows[0] ?? null;
}

export interface NewReport {
  kindCode: string;
  unitCode: string;
  periodStart: string;
  nothingToReport: boolean;
  body: string;
  counts: Record<string, number>;
  submittedBy: number | null;
  submittedAt: Date;
}

/** Inserts a submission; null when the unit already reported for the period (nothing written). */
export async function insertReport(db: Queryable, r: NewReport): Promise<ReportRow | null> {
  const { rows } = await db.query<ReportRow>(
    `INSERT INTO unit_report (kind_code, unit_code, period_start, nothing_to_report, body, counts, submitted_by, submitted_at)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8)
     ON CONFLICT (kind_code, unit_code, period_start) DO NOTHING
     RETURNING ${REPORT_COLUMNS}`,
    [r.kindCode, r.unitCode, r.periodStart, r.nothingToReport, r.body, JSON.stringify(r.counts), r.submittedBy, r.submittedAt],
  );
  return rows[0] ?? null;
}
