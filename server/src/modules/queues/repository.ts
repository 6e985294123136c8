/**
 * SQL of the units' queues. Each tab's predicate is the SQL twin of `inQueueTab` (shared/src/domain/queues.ts),
 * built here from allow-listed columns, with every value a $n parameter; server/test/queues.test.ts compares the two
 * on seeded cases.
 */
import type pg from 'pg';
import {
  ESCALATION_LEVELS,
  ASSISTED_STATES,
  FOLLOWED_STATES,
  HOLDING_STATES,
  LIGHTS,
  OVERDUE_LIGHTS,
  PRIORITIES,
  TERMINAL_STATES,
  areaColumnOf,
  levelOfUnitKind,
  queueTabsFor,
  type QueueTab,
  type UnitKind,
  type UnitRef,
} from '@gridcommand/shared/domain';
import { CASE_SELECT, type CaseRow } from '../cases/repository.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export interface UnitRow {
  code: string;
  kind: UnitKind;
  name: string;
  parent_code: string | null;
}

export async function findUnit(db: Queryable, code: string): Promise<UnitRow | null> {
  const { rows } = await db.query<UnitRow>('SELECT code, kind, name, parent_code FROM org_unit WHERE code = $1', [code]);
  return rows[0] ?? null;
}

export async function districtUnit(db: Queryable): Promise<UnitRow | null> {
  const { rows } = await db.query<UnitRow>(`SELECT code, kind, name, parent_code FROM org_unit WHERE kind = 'district' ORDER BY code LIMIT 1`);
  return rows[0] ?? null;
}

/** Is the area `code` inside the street or zone `within`? (The column comes from the allow-list of areaColumnOf.) */
export async function areaWithin(db: Queryable, code: string, within: UnitRef): Promise<boolean> {
  const column = areaColumnOf(within.kind);
  if (column === null || column === 'community_code') return false;
  const { rows } = await db.query(`SELECT 1 FROM area WHERE code = $1 AND ${column} = $2`, [code, within.code]);
  return rows.length > 0;
}

/** The WHERE predicate of one tab for one unit, on cases aliased c; `p` adds a parameter and returns its $n. */
function tabPredicate(tab: QueueTab, unit: UnitRef, p: (v: unknown) => string): string {
  switch (tab) {
    case 'holding':
      return `c.holder_code = ${p(unit.code)} AND c.status = ANY(${p(HOLDING_STATES)}::text[])`;
    case 'returns':
      return unit.kind === 'district'
        ? `left(c.street_code, 6) = ${p(unit.code)} AND c.status = 'returned'`
        : `c.holder_code = ${p(unit.code)} AND c.status = 'returned'`;
    case 'to_verify':
      return `c.holder_code = ${p(unit.code)} AND c.status = 'handled'`;
    case 'to_close':
      return `c.holder_code = ${p(unit.code)} AND c.status = 'verified'`;
    case 'escalated_up': {
      const column = areaColumnOf(unit.kind);
      const level = levelOfUnitKind(unit.kind);
      if (column === null || level === null) return 'false';
      return `c.${column} = ${p(unit.code)} AND c.escalation_level > ${p(ESCALATION_LEVELS.indexOf(level))}::int
              AND c.status = ANY(${p(FOLLOWED_STATES)}::text[])`;
    }
    case 'to_sign':
      return `c.department_code = ${p(unit.code)} AND c.status = 'dispatched'`;
    case 'handling':
      return `c.department_code = ${p(unit.code)} AND c.status = 'in_progress'`;
    case 'assisting':
      // @> with the partial predicate: the GIN index of migration 020
      return `c.helper_departments @> ARRAY[${p(unit.code)}]::text[] AND c.helper_departments <> '{}' AND c.status = ANY(${p(ASSISTED_STATES)}::text[])`;
    case 'returned_by_us':
      return `c.returned_by = ${p(unit.code)} AND c.status = 'returned'`;
  }
}

function params(): { values: unknown[]; p: (v: unknown) => string } {
  const values: unknown[] = [];
  return {
    values,
    p: (v) => {
      values.push(v);
      return `$${values.length}`;
    },
  };
}

export interface TabCount {
  tab: QueueTab;
  total: number;
  overdue: number;
}

/** Every tab's count (and its overdue part) for a unit, in one statement. */
export async function countTabs(db: Queryable, unit: UnitRef, now: Date): Promise<TabCount[]> {
  const tabs = queueTabsFor(unit.kind);
  const { values, p } = params();
  let overdueLights: string | undefined;
  let at: string | undefined;
  const parts = tabs.map((tab, i) => {
    const pred = tabPredicate(tab, unit, p);
    const late = tab === 'to_sign' ? `c.sign_by < ${(at ??= p(now))}::timestamptz` : `c.light = ANY(${(overdueLights ??= p(OVERDUE_LIGHTS))}::text[])`;
    return `count(*) FILTER (WHERE ${pred})::int AS t${i}, count(*) FILTER (WHERE ${pred} AND ${late})::int AS o${i}`;
  });
  // each tab's rows found through its own index; their union is what is counted
  const union = tabs.map((tab) => `SELECT c.id FROM cases c WHERE ${tabPredicate(tab, unit, p)}`).join(' UNION ALL ');
  const sql = `SELECT ${parts.join(', ')} FROM cases c WHERE c.id IN (${union}) AND c.status <> ALL(${p(TERMINAL_STATES)}::text[])`;
  const { rows } = await db.query<Record<string, number>>(sql, values);
  const r = rows[0] ?? {};
  return tabs.map((tab, i) => ({ tab, total: r[`t${i}`] ?? 0, overdue: r[`o${i}`] ?? 0 }));
}

/** One tab's cases, most urgent first, and how many there are. */
export async function listTab(
  db: Queryable,
  unit: UnitRef,
  tab: QueueTab,
  limit: number,
  offset: number,
): Promise<{ rows: CaseRow[]; total: number }> {
  const { values, p } = params();
  const pred = tabPredicate(tab, unit, p);
  const priorities = p([...PRIORITIES].reverse());
  const order =
    tab === 'to_sign'
      ? `c.sign_by ASC NULLS LAST, array_position(${priorities}::text[], c.priority), c.id`
      : `array_position(${p([...LIGHTS].reverse())}::text[], c.light), array_position(${priorities}::text[], c.priority), c.resolve_by, c.id`;
  const lim = p(limit);
  const off = p(offset);
  const counted = params();
  const countPred = tabPredicate(tab, unit, counted.p);
  const [list, count] = await Promise.all([
    db.query<CaseRow>(`${CASE_SELECT} WHERE ${pred} ORDER BY ${order} LIMIT ${lim} OFFSET ${off}`, values),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases c WHERE ${countPred}`, counted.values),
  ]);
  return { rows: list.rows, total: count.rows[0]?.n ?? 0 };
}
