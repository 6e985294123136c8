/**
 * Predicates that must match a partial index word for word. The planner uses a partial index only when it can
 * prove the query's WHERE implies the index's, which needs the state list as literals, not as a `$n` array.
 * Those literals are rendered here, from the domain's constants, never from user input; everywhere else state
 * and light sets travel as `= ANY($n::text[])` parameters. server/test/partial-indexes.test.ts reads each
 * index's definition from pg_indexes and fails when it no longer matches the constant it is built from.
 */
import { OPEN_STATES, TERMINAL_STATES } from '@gridcommand/shared/domain';

const SAFE_LITERAL = /^[a-z_]+$/;

/**
 * A list of SQL string literals ('a', 'b') for `IN (…)`. Only for server-side allow-listed values (domain
 * constants): each must match /^[a-z_]+$/, so nothing needs escaping; anything else throws.
 */
export function sqlLiterals(values: readonly string[]): string {
  if (values.length === 0) throw new RangeError('sqlLiterals: empty list');
  return values
    .map((v) => {
      if (!SAFE_LITERAL.test(v)) throw new RangeError(`sqlLiterals: "${v}" is not an allow-listed SQL literal`);
      return `'${v}'`;
    })
    .join(', ');
}

export interface PartialIndex {
  table: 'cases';
  column: 'status';
  /** IN: the rows whose column is one of `values`; NOT IN: the others */
  op: 'IN' | 'NOT IN';
  values: readonly string[];
}

/** The partial indexes on case states, and the domain constant each one's predicate spells out. */
export const PARTIAL_INDEXES = {
  /** open (lit) cases by grid and light: the wall's grid colours (migration 008) */
  cases_lit_grid_idx: { table: 'cases', column: 'status', op: 'IN', values: OPEN_STATES },
  /** lights of cases that are not final (migration 003) */
  cases_open_light_idx: { table: 'cases', column: 'status', op: 'NOT IN', values: TERMINAL_STATES },
} as const satisfies Record<string, PartialIndex>;

export type PartialIndexName = keyof typeof PARTIAL_INDEXES;

/** The WHERE predicate of a partial index, on the table aliased `alias`: e.g. c.status IN ('reported', …). */
export function indexPredicate(name: PartialIndexName, alias: string): string {
  if (!/^[a-z]\w*$/.test(alias)) throw new RangeError(`indexPredicate: bad alias "${alias}"`);
  const ix: PartialIndex = PARTIAL_INDEXES[name];
  return `${alias}.${ix.column} ${ix.op} (${sqlLiterals(ix.values)})`;
}
