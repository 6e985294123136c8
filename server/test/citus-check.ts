/**
 * The Citus readiness rules of docs/scaling.md as data, and the check of one SQL text against them: every join of
 * two distributed tables equates their distribution columns (directly, through other equalities, or by pinning both
 * to the same value); reference tables join freely; subqueries that do not correlate and CTEs are planned apart by
 * Citus (recursive planning) and are not joins here. The SQL is read by citus-sql.ts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { readStatement, type Equality, type Rel, type Scope } from './citus-sql.ts';

/** Distributed by `district_code` (co-location group "district") or by `user_id` ("worker"). */
export const DISTRIBUTED: Record<string, { group: 'district' | 'worker'; column: string }> = Object.fromEntries([
  ...['cases', 'event', 'supervision', 'dispatch', 'team_reservation', 'verification', 'case_reporter', 'case_rating',
    'points_ledger', 'open311_request', 'team', 'team_member', 'team_position', 'team_device_token', 'patrol_zone',
    'patrol_zone_grid', 'grid_staff', 'duty_record', 'base_count', 'base_record', 'rollup_flow', 'rollup_due', 'rollup_trend',
    'rollup_street_flow', 'rollup_street_due', 'rollup_heat_hex', 'rollup_heat_hex_month', 'rollup_heat_grid', 'rollup_trend_dim', 'rollup_indicator',
    'rollup_indicator_street', 'rollup_indicator_duration']
    .map((t) => [t, { group: 'district' as const, column: 'district_code' }]),
  ...['patrol', 'patrol_point', 'checkin', 'household_visit', 'staff_leave', 'assessment_result']
    .map((t) => [t, { group: 'worker' as const, column: 'user_id' }]),
]);

/**
 * Replicated to every node: small, read by joins everywhere, written rarely. `area` is one of them (docs/scaling.md#area):
 * 50,000 grids with their geometries are 51 MB, and every hot path joins or searches it.
 */
export const REFERENCE = ['area', 'category_major', 'category', 'department', 'work_calendar', 'setting', 'report_kind', 'specialist_layer',
  'specialist_grid', 'specialist_grid_area', 'specialist_officer', 'public_setting', 'assessment_weight', 'app_user', 'staff', 'api_key'];

/** Stay on the coordinator (Citus local tables): per-request writes, no district, never joined with the shards' rows. */
export const LOCAL = ['user_session', 'wall_token', 'idempotency_key', 'audit_log', 'personal_data_access', 'photo', 'unit_report',
  'rollup_indicator_period', 'rollup_indicator_touch'];

/** Views, inlined by the planner as subqueries over their tables (org_unit: area ∪ department). */
export const VIEWS = ['org_unit'];

/** Tables the code creates and drops itself (an import's staging), and the catalogues. */
export const TRANSIENT = ['import_next', 'import_area', 'spatial_ref_sys', 'pgmigrations'];

export type TableClass = 'distributed' | 'reference' | 'local' | 'view' | 'transient';

export function classOf(table: string): TableClass | null {
  if (DISTRIBUTED[table]) return 'distributed';
  if (REFERENCE.includes(table)) return 'reference';
  if (LOCAL.includes(table)) return 'local';
  if (VIEWS.includes(table)) return 'view';
  if (TRANSIENT.includes(table) || table.startsWith('pg_') || table === 'information_schema') return 'transient';
  return null;
}

/**
 * Columns holding the same key: equal values mean the same district (the reason is given per family). Citus does
 * not know this, so a join on such a key still needs `AND x.district_code = y.district_code` to be co-located; the
 * check accepts it off the hot paths (Citus runs it as a repartition join) and names the fix.
 */
export const IMPLIED_KEYS: { key: string; reason: string; columns: string[] }[] = [
  {
    key: 'area code',
    reason: 'district_code is left(code, 6) of every area code (migration 026): equal area codes, equal districts',
    columns: ['area.code', 'area.parent_code', 'area.street_code', 'area.zone_code', 'area.community_code', 'cases.grid_code',
      'cases.community_code', 'cases.zone_code', 'cases.street_code', 'cases.holder_code', 'event.grid_code', 'event.street_code',
      'grid_staff.grid_code', 'patrol_zone_grid.grid_code', 'duty_record.grid_code', 'base_count.grid_code', 'base_record.grid_code',
      'rollup_flow.grid_code', 'rollup_flow.street_code', 'rollup_heat_grid.grid_code', 'rollup_due.grid_code', 'rollup_due.street_code', 'rollup_trend.street_code',
      'rollup_street_flow.street_code', 'rollup_street_due.street_code', 'team.home_zone_code', 'checkin.grid_code', 'household_visit.grid_code'],
  },
  {
    key: 'case id',
    reason: "a case's rows carry the case's district (deploy/citus/distribute.sql fills it from the case)",
    columns: ['cases.id', 'cases.duplicate_of', 'event.case_id', 'supervision.case_id', 'dispatch.case_id', 'team_reservation.case_id',
      'verification.case_id', 'case_reporter.case_id', 'case_rating.case_id', 'points_ledger.case_id', 'open311_request.case_id'],
  },
  {
    key: 'team id',
    reason: "a team works in its home zone's district; its rows carry it (a team lent to another district is a second team row)",
    columns: ['team.id', 'team_member.team_id', 'team_position.team_id', 'team_device_token.team_id', 'patrol_zone.team_id',
      'dispatch.team_id', 'team_reservation.team_id', 'event.team_id', 'cases.team_id'],
  },
  { key: 'patrol zone id', reason: "a patrol zone's grids are its team's", columns: ['patrol_zone.id', 'patrol_zone_grid.zone_id'] },
  { key: 'patrol id', reason: "a patrol's points and check-ins are its worker's", columns: ['patrol.id', 'patrol_point.patrol_id', 'checkin.patrol_id'] },
  { key: 'reporter id', reason: "a reporter row is its case's", columns: ['case_reporter.id', 'case_rating.reporter_id', 'points_ledger.reporter_id'] },
];

const keyOf = new Map<string, string>(IMPLIED_KEYS.flatMap((f) => f.columns.map((c) => [c, f.key] as [string, string])));

export type FindingKind = 'implied' | 'cross-shard' | 'non-colocated' | 'local-join';

export interface Finding {
  kind: FindingKind;
  /** the two tables, sorted, joined by '~' */
  pair: string;
  /** the join columns seen, e.g. "event.case_id = cases.id" */
  on: string[];
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) { p = this.find(p); this.parent.set(x, p); }
    return p;
  }
  union(a: string, b: string): void { const ra = this.find(a), rb = this.find(b); if (ra !== rb) this.parent.set(ra, rb); }
}

function node(op: Equality['left']): string {
  return op.kind === 'col' ? `${op.rel.id}.${op.column}` : `value:${op.text}`;
}

function ancestorOf(a: Scope, b: Scope): boolean {
  for (let s: Scope | null = b.parent; s; s = s.parent) if (s === a) return true;
  return false;
}

/**
 * The joins of one SQL text that break the rules. `aliases` (alias → table, from the rest of the file) names the
 * relations of a fragment that uses an alias it does not bind itself.
 */
export function checkSql(sql: string, aliases: Map<string, string> = new Map()): Finding[] {
  const made = new Map<string, Rel>();
  const st = readStatement(sql, (alias, scope) => {
    const table = aliases.get(alias);
    if (!table) return null;
    const k = `${scope.id}:${alias}`;
    if (!made.has(k)) {
      const rel: Rel = { id: -made.size - 1, table, cte: null, alias, scope };
      scope.rels.push(rel);
      made.set(k, rel);
    }
    return made.get(k)!;
  });
  const uf = new UnionFind();
  for (const e of st.equalities) uf.union(node(e.left), node(e.right));
  const classOfRel = (r: Rel) => (r.table ? classOf(r.table) : null);
  // the joins: pairs of relations of one scope that an equality links, and (correlation) a relation with one of an
  // enclosing scope; a relation of a scope that no equality links to another is joined to the scope's first one
  const pairs: [Rel, Rel][] = [];
  const linked = new Set<Rel>();
  for (const e of st.equalities) {
    if (e.left.kind !== 'col' || e.right.kind !== 'col' || e.left.rel === e.right.rel) continue;
    const a = e.left.rel, b = e.right.rel;
    if (a.scope === b.scope || ancestorOf(a.scope, b.scope) || ancestorOf(b.scope, a.scope)) {
      pairs.push([a, b]);
      linked.add(a);
      linked.add(b);
    }
  }
  for (const s of st.scopes) {
    for (const r of s.rels.slice(1)) if (!linked.has(r)) pairs.push([s.rels[0]!, r]);
    if (s.rels.length > 1 && !linked.has(s.rels[0]!)) pairs.push([s.rels[0]!, s.rels[1]!]);
  }
  const out = new Map<string, Finding>();
  for (const [a, b] of pairs) {
    const ca = classOfRel(a), cb = classOfRel(b);
    if (!a.table || !b.table) continue;
    const on = st.equalities
      .filter((e) => e.left.kind === 'col' && e.right.kind === 'col' && ((e.left.rel === a && e.right.rel === b) || (e.left.rel === b && e.right.rel === a)))
      .map((e) => {
        const l = e.left as Extract<Equality['left'], { kind: 'col' }>, r = e.right as typeof l;
        return `${l.rel.table}.${l.column} = ${r.rel.table}.${r.column}`;
      });
    let kind: FindingKind | null = null;
    if ((ca === 'distributed' && cb === 'local') || (ca === 'local' && cb === 'distributed')) kind = 'local-join';
    else if (ca === 'distributed' && cb === 'distributed') {
      const da = DISTRIBUTED[a.table]!, db = DISTRIBUTED[b.table]!;
      if (da.group !== db.group) kind = 'non-colocated';
      else if (uf.find(`${a.id}.${da.column}`) === uf.find(`${b.id}.${db.column}`)) kind = null;
      else {
        const implied = on.some((o) => {
          const [l, r] = o.split(' = ');
          return keyOf.get(l!) !== undefined && keyOf.get(l!) === keyOf.get(r!);
        });
        kind = implied ? 'implied' : 'cross-shard';
      }
    }
    if (!kind) continue;
    const pair = [a.table, b.table].sort().join('~');
    const k = `${kind}|${pair}`;
    const f = out.get(k) ?? { kind, pair, on: [] };
    for (const o of on) if (!f.on.includes(o)) f.on.push(o);
    out.set(k, f);
  }
  return [...out.values()];
}

/** Every table a migration creates. */
export function migrationTables(dir: string): string[] {
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
    const up = readFileSync(path.join(dir, f), 'utf8').split('-- Down Migration')[0]!;
    for (const m of up.matchAll(/CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/gi)) names.add(m[1]!.toLowerCase());
    for (const m of up.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+([a-z_][a-z0-9_]*)/gi)) names.add(m[1]!.toLowerCase());
    for (const m of up.matchAll(/DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?([a-z_][a-z0-9_, ]*)/gi)) {
      for (const n of m[1]!.split(',')) names.delete(n.trim().toLowerCase());
    }
  }
  return [...names].sort();
}

export interface SqlText {
  file: string;
  line: number;
  sql: string;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const LOOKS_SQL = /\b(select|insert\s+into|update\s+[a-z_]+\s+(?:[a-z_]+\s+)?set|delete\s+from|join)\b/i;
const BARE_FROM = /^\s*[a-z_]+\s+[a-z_]+\s+((left|inner|right|full|cross)\s+)?join\b/i;
const BARE_JOIN = /^\s*((left|inner|right|full|cross)\s+)?join\b/i;

/**
 * Every SQL text of the TypeScript files under `root`: string and template literals (a template's `${NAME}` of a
 * string constant of the same file is inlined, any other `${…}` becomes an opaque `__x__`). Constants inlined into
 * another text are not read again on their own. A bare FROM list or JOIN fragment is read as `SELECT * FROM …`.
 */
export function sqlTexts(root: string): SqlText[] {
  const out: SqlText[] = [];
  const sources = tsFiles(root).map((file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  const constsOf = (src: ts.SourceFile) => {
    const consts = new Map<string, ts.Node>();
    const visitConsts = (n: ts.Node) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer &&
        (ts.isStringLiteral(n.initializer) || ts.isNoSubstitutionTemplateLiteral(n.initializer) || ts.isTemplateExpression(n.initializer))) {
        consts.set(n.name.text, n.initializer);
      }
      ts.forEachChild(n, visitConsts);
    };
    visitConsts(src);
    return consts;
  };
  // exported string constants (CASE_SELECT …), by name when the name is unique: another file's import of one is inlined
  const exported = new Map<string, ts.Node | null>();
  for (const src of sources) {
    for (const [name, node] of constsOf(src)) {
      const decl = node.parent.parent?.parent;
      if (!decl || !ts.isVariableStatement(decl) || !decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      exported.set(name, exported.has(name) ? null : node);
    }
  }
  for (const src of sources) {
    const file = src.fileName;
    const consts = constsOf(src);
    const inlined = new Set<ts.Node>();
    const textOf = (n: ts.Node, depth: number): string => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
      if (ts.isTemplateExpression(n)) {
        let s = n.head.text;
        for (const span of n.templateSpans) {
          const e = span.expression;
          const local = ts.isIdentifier(e) ? consts.get(e.text) : undefined;
          const c = local ?? (ts.isIdentifier(e) ? exported.get(e.text) ?? undefined : undefined);
          if (c && depth < 5) { if (local) inlined.add(c); s += textOf(c, depth + 1); } else s += '__x__';
          s += span.literal.text;
        }
        return s;
      }
      return '__x__';
    };
    const found: { node: ts.Node; sql: string }[] = [];
    const visit = (n: ts.Node) => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) {
        found.push({ node: n, sql: textOf(n, 0) });
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
    for (const { node: n, sql } of found) {
      if (inlined.has(n) || !LOOKS_SQL.test(sql)) continue;
      const text = BARE_FROM.test(sql) || BARE_JOIN.test(sql) ? `SELECT * FROM ${BARE_JOIN.test(sql) ? '__x__ ' : ''}${sql}` : sql;
      const line = src.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      out.push({ file, line, sql: text });
    }
  }
  return out;
}

/** alias → table for the aliases a file binds to one table only (for its fragments). */
export function fileAliases(texts: SqlText[]): Map<string, string> {
  const seen = new Map<string, Set<string>>();
  for (const t of texts) {
    for (const m of t.sql.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)\s+(?:as\s+)?([a-z_][a-z0-9_]*)\b/gi)) {
      const table = m[1]!.toLowerCase(), alias = m[2]!.toLowerCase();
      if (!classOf(table)) continue;
      const s = seen.get(alias) ?? new Set();
      s.add(table);
      seen.set(alias, s);
    }
  }
  return new Map([...seen].filter(([, s]) => s.size === 1).map(([a, s]) => [a, [...s][0]!]));
}

/** Every relation name a text reads that is no table, view, CTE or function: an unclassified table. */
export function unclassifiedTables(sql: string): string[] {
  const st = readStatement(sql);
  return [...new Set(st.scopes.flatMap((s) => s.rels).map((r) => r.table).filter((t): t is string => !!t && t !== '__x__' && !classOf(t)))];
}
