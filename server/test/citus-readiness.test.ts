/**
 * Citus readiness (docs/scaling.md): every table has one class, the distribution script matches the classes, and
 * the SQL of server/src joins distributed tables only on their distribution column — off the hot paths a join on a
 * key that implies it (IMPLIED_KEYS) is accepted; on the hot paths only the joins listed in KNOWN, each with the
 * change it needs, are. A known entry that no longer occurs fails too, so the list only shrinks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { MIGRATIONS_DIR } from '../src/db/migrate.ts';
import {
  DISTRIBUTED, LOCAL, REFERENCE, TRANSIENT, VIEWS, checkSql, classOf, fileAliases, migrationTables, sqlTexts, unclassifiedTables,
  type Finding,
} from './citus-check.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const SRC = path.join(REPO_ROOT, 'server', 'src');

/** The hot paths (docs/scaling.md#hot-paths): every file under these folders or with these prefixes, first match wins. */
const HOT_PATHS: [prefix: string, path: string][] = [
  ['modules/writer/', 'intake'], ['modules/teams/', 'dispatch'], ['modules/live/', 'live stream'], ['modules/alerts/', 'live stream'],
  ['modules/tiles/', 'tiles'], ['modules/stats/map-', 'map snapshots'], ['modules/stats/heatmap', 'map snapshots'], ['modules/stats/', 'stats'],
];
const hotPath = (file: string) => HOT_PATHS.find(([p]) => file.startsWith(p))?.[1];

const ADD = (a: string, b: string) => `add AND ${a}.district_code = ${b}.district_code to the join`;

/** Known violations of today's code: not allowed silently — each says what to change (docs/scaling.md#remaining-work). */
const KNOWN: { file: string; kind: Finding['kind']; pair: string; fix: string }[] = [
  // the writer's lock-and-load reads CASE_SELECT of server/src/modules/cases/repository.ts (not ours to change)
  { file: 'modules/writer/repository.ts', kind: 'implied', pair: 'cases~team', fix: 'CASE_SELECT: LEFT JOIN team t ON t.district_code = c.district_code AND t.id = c.team_id' },
  { file: 'modules/writer/repository.ts', kind: 'implied', pair: 'cases~verification', fix: 'CASE_SELECT lateral: WHERE v.district_code = c.district_code AND v.case_id = c.id' },
  { file: 'modules/alerts/repository.ts', kind: 'implied', pair: 'cases~event', fix: ADD('c', 'e') },
  { file: 'modules/alerts/repository.ts', kind: 'implied', pair: 'event~event', fix: 'hasPrevious subquery: AND p.district_code = e.district_code' },
  { file: 'modules/teams/board-repository.ts', kind: 'implied', pair: 'cases~dispatch', fix: ADD('c', 'd') + ' (dispatch.district_code from distribute.sql)' },
  { file: 'modules/teams/board-repository.ts', kind: 'implied', pair: 'cases~team_reservation', fix: ADD('c/rc', 'r/rv') },
  { file: 'modules/teams/board-repository.ts', kind: 'implied', pair: 'dispatch~team', fix: ADD('t', 'd') },
  { file: 'modules/teams/board-repository.ts', kind: 'implied', pair: 'team~team_reservation', fix: ADD('t', 'r/rv') },
  { file: 'modules/teams/repository.ts', kind: 'implied', pair: 'dispatch~team', fix: ADD('t', 'd') },
  { file: 'modules/teams/repository.ts', kind: 'implied', pair: 'team~team_member', fix: ADD('t', 'm') },
  { file: 'modules/teams/repository.ts', kind: 'implied', pair: 'team~team_reservation', fix: ADD('t', 'r') },
  { file: 'modules/teams/zones-repository.ts', kind: 'implied', pair: 'patrol_zone~patrol_zone_grid', fix: ADD('z', 'g') },
  { file: 'modules/teams/zones-repository.ts', kind: 'implied', pair: 'patrol_zone~team', fix: ADD('z', 't') },
];

describe('the checker', () => {
  const cases: { name: string; sql: string; expect: string[] }[] = [
    { name: 'a join on the case id only', sql: 'SELECT * FROM cases c JOIN event e ON e.case_id = c.id', expect: ['implied cases~event'] },
    { name: 'the same join with the districts', sql: 'SELECT * FROM cases c JOIN event e ON e.case_id = c.id AND e.district_code = c.district_code', expect: [] },
    { name: 'a join on a column that implies nothing', sql: 'SELECT * FROM cases c JOIN event e ON e.at = c.reported_at', expect: ['cross-shard cases~event'] },
    { name: 'a spatial join', sql: 'SELECT * FROM cases c, team t WHERE ST_DWithin(t.position, c.location, 0.01)', expect: ['cross-shard cases~team'] },
    { name: 'an expression join', sql: "SELECT 1 FROM event e LEFT JOIN cases c ON c.code = COALESCE(e.payload->>'code', '')", expect: ['cross-shard cases~event'] },
    { name: 'reference tables', sql: 'SELECT * FROM cases c JOIN category k ON k.code = c.category_code JOIN area g ON g.code = c.grid_code JOIN department d ON d.code = k.department_code', expect: [] },
    { name: 'a correlated subquery', sql: 'SELECT c.id FROM cases c WHERE EXISTS (SELECT 1 FROM supervision s WHERE s.case_id = c.id)', expect: ['implied cases~supervision'] },
    { name: 'an uncorrelated IN subquery (planned apart)', sql: 'SELECT * FROM cases c WHERE c.id IN (SELECT case_id FROM event WHERE type = $1)', expect: [] },
    { name: 'a CTE (an intermediate result)', sql: 'WITH x AS (SELECT id FROM cases WHERE status = $1) SELECT * FROM x JOIN event e ON e.case_id = x.id', expect: [] },
    { name: 'both pinned to one district', sql: 'SELECT * FROM cases c JOIN event e ON e.case_id = c.id WHERE c.district_code = $1 AND e.district_code = $1', expect: [] },
    { name: 'transitive through a third table', sql: 'SELECT 1 FROM cases c JOIN event e ON e.district_code = c.district_code AND e.case_id = c.id JOIN supervision s ON s.district_code = e.district_code AND s.case_id = c.id', expect: [] },
    { name: 'a local table with a distributed one', sql: 'SELECT 1 FROM audit_log l JOIN event e ON e.actor_id = l.user_id', expect: ['local-join audit_log~event'] },
    { name: 'two co-location groups', sql: 'SELECT 1 FROM checkin k JOIN cases c ON c.grid_code = k.grid_code', expect: ['non-colocated cases~checkin'] },
    { name: 'USING', sql: 'SELECT 1 FROM rollup_flow f JOIN rollup_due d USING (grid_code, district_code)', expect: [] },
    { name: 'UPDATE … FROM', sql: 'UPDATE event e SET grid_code = c.grid_code FROM cases c WHERE c.id = e.case_id', expect: ['implied cases~event'] },
    { name: 'a LATERAL subquery', sql: 'SELECT 1 FROM team t LEFT JOIN LATERAL (SELECT r.id FROM team_reservation r WHERE r.team_id = t.id LIMIT 1) x ON true', expect: ['implied team~team_reservation'] },
    { name: 'left(…) is no join', sql: 'SELECT left(s.phone, 3), gs.responsible FROM grid_staff gs JOIN staff s ON s.id = gs.staff_id', expect: [] },
  ];
  it.each(cases)('$name', ({ sql, expect: want }) => {
    expect(checkSql(sql).map((f) => `${f.kind} ${f.pair}`).sort()).toEqual([...want].sort());
  });

  it('reads a fragment through the aliases its file binds', () => {
    const f = checkSql('SELECT * FROM __x__ LEFT JOIN grid_staff r ON r.grid_code = c.grid_code', new Map([['c', 'cases']]));
    expect(f.map((x) => `${x.kind} ${x.pair}`)).toEqual(['implied cases~grid_staff']);
  });
});

describe('the tables', () => {
  const tables = migrationTables(MIGRATIONS_DIR);

  it('every table of the migrations has exactly one class', () => {
    const classes = [Object.keys(DISTRIBUTED), REFERENCE, LOCAL, VIEWS, TRANSIENT];
    const unclassified = tables.filter((t) => classes.filter((c) => c.includes(t)).length !== 1);
    expect(unclassified, 'add each new table to one class of server/test/citus-check.ts and to deploy/citus/distribute.sql').toEqual([]);
    const stale = [...Object.keys(DISTRIBUTED), ...REFERENCE, ...LOCAL, ...VIEWS].filter((t) => !tables.includes(t));
    expect(stale).toEqual([]);
  });

  it('the distribution script distributes, replicates and keeps each table as classified', () => {
    const script = readFileSync(path.join(REPO_ROOT, 'deploy', 'citus', 'distribute.sql'), 'utf8');
    for (const [t, d] of Object.entries(DISTRIBUTED)) {
      expect(script, t).toMatch(new RegExp(`create_distributed_table\\('${t}', '${d.column}'`));
    }
    for (const t of REFERENCE) expect(script, t).toContain(`create_reference_table('${t}')`);
    for (const t of LOCAL) expect(script, t).toContain(`citus_add_local_table_to_metadata('${t}')`);
  });
});

describe('the SQL of server/src', () => {
  const texts = sqlTexts(SRC);
  const byFile = new Map<string, typeof texts>();
  for (const t of texts) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
  const findings: { file: string; line: number; f: Finding }[] = [];
  for (const [file, list] of byFile) {
    const aliases = fileAliases(list);
    for (const t of list) for (const f of checkSql(t.sql, aliases)) findings.push({ file: path.relative(SRC, file), line: t.line, f });
  }

  it('reads the repositories (a sanity floor: the SQL reader finds the texts)', () => {
    expect(texts.length).toBeGreaterThan(300);
    expect(byFile.has(path.join(SRC, 'modules', 'writer', 'repository.ts'))).toBe(true);
  });

  it('reads no table that has no class', () => {
    const bad = texts.flatMap((t) => unclassifiedTables(t.sql).map((n) => `${path.relative(SRC, t.file)}:${t.line} ${n}`));
    expect(bad).toEqual([]);
  });

  it('joins distributed tables on the distribution column, or as listed in KNOWN', () => {
    const known = (x: (typeof findings)[number]) => KNOWN.some((k) => k.file === x.file && k.kind === x.f.kind && k.pair === x.f.pair);
    const hot = (file: string) => hotPath(file) !== undefined;
    const bad = findings
      .filter((x) => !known(x))
      .filter((x) => x.f.kind !== 'implied' || hot(x.file))
      .filter((x) => x.f.kind !== 'local-join' || hot(x.file))
      .map((x) => `${x.file}:${x.line} ${x.f.kind} ${x.f.pair} (${x.f.on.join('; ') || 'no column equality'})${hot(x.file) ? ` [hot path: ${hotPath(x.file)}]` : ''}`);
    expect(bad).toEqual([]);
  });

  it('lists no known violation that is gone', () => {
    const gone = KNOWN.filter((k) => !findings.some((x) => x.file === k.file && x.f.kind === k.kind && x.f.pair === k.pair));
    expect(gone.map((k) => `${k.file} ${k.kind} ${k.pair}`)).toEqual([]);
  });

  it('finds SQL under every hot path', () => {
    for (const [p] of HOT_PATHS) expect([...byFile.keys()].some((f) => path.relative(SRC, f).startsWith(p)), p).toBe(true);
  });

  it('classes every table the SQL reads', () => {
    const read = new Set(findings.flatMap((x) => x.f.pair.split('~')));
    for (const t of read) expect(classOf(t), t).not.toBeNull();
  });
});

describe('migration 026 and the distribution script on the demo database', () => {
  let db: TestDatabase;
  beforeAll(async () => { db = await testDatabase(); });
  afterAll(async () => { await db?.drop(); });

  it('gives the district tables a generated district_code that is the first six digits of their code', async () => {
    const { rows } = await db.pool.query<{ table_name: string; generation_expression: string | null }>(
      `SELECT table_name, generation_expression FROM information_schema.columns WHERE column_name = 'district_code' AND table_schema = 'public'`,
    );
    const generated = rows.filter((r) => r.generation_expression).map((r) => r.table_name).sort();
    expect(generated).toEqual(['area', 'base_count', 'base_record', 'cases', 'duty_record', 'event', 'grid_staff', 'patrol_zone_grid',
      'rollup_due', 'rollup_flow', 'rollup_trend', 'team']);
    const wrong = await db.pool.query(
      `SELECT 'area' AS t FROM area WHERE district_code <> left(code, 6)
       UNION ALL SELECT 'cases' FROM cases WHERE district_code IS DISTINCT FROM left(grid_code, 6)
       UNION ALL SELECT 'grid_staff' FROM grid_staff WHERE district_code IS DISTINCT FROM left(grid_code, 6) LIMIT 1`,
    );
    expect(wrong.rows).toEqual([]);
    // one demo district: every area's district is the district row
    const d = await db.pool.query<{ n: number; district: boolean }>(
      `SELECT count(DISTINCT district_code)::int AS n, bool_and(district_code IN (SELECT code FROM area WHERE level = 'district')) AS district FROM area`,
    );
    expect(d.rows[0]).toEqual({ n: 1, district: true });
  });

  it('runs with stand-ins that refuse what Citus refuses, and classes every table as citus-check.ts does', async () => {
    const read = (f: string) => readFileSync(path.join(REPO_ROOT, 'deploy', 'citus', f), 'utf8');
    await db.pool.query(read('stand-in.sql'));
    // psql meta-commands (\set ON_ERROR_STOP) are psql's, not SQL
    await db.pool.query(read('distribute.sql').split('\n').filter((l) => !l.startsWith('\\')).join('\n'));
    const { rows } = await db.pool.query<{ tbl: string; kind: string; col: string | null; grp: string | null }>(
      'SELECT tbl::text, kind, col, grp FROM citus_stand_in ORDER BY 1',
    );
    const distributed = Object.fromEntries(rows.filter((r) => r.kind === 'distributed').map((r) => [r.tbl, r.col]));
    expect(distributed).toEqual(Object.fromEntries(Object.entries(DISTRIBUTED).map(([t, d]) => [t, d.column])));
    for (const r of rows.filter((x) => x.kind === 'distributed')) {
      expect(r.grp, r.tbl).toBe(DISTRIBUTED[r.tbl]!.group === 'district' ? 'cases' : 'patrol');
    }
    expect(rows.filter((r) => r.kind === 'reference').map((r) => r.tbl).sort()).toEqual([...REFERENCE].sort());
    expect(rows.filter((r) => r.kind === 'local').map((r) => r.tbl).sort()).toEqual([...LOCAL].sort());
    // nothing left out: every table of the database is classed (the stand-in's own and the transient ones aside)
    const all = await db.pool.query<{ t: string }>(`SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'citus_stand_in' ORDER BY 1`);
    expect(all.rows.map((r) => r.t).filter((t) => !rows.some((r) => r.tbl === t) && !TRANSIENT.includes(t))).toEqual([]);
  });

  it('leaves foreign keys that Citus keeps: within a co-location group on the distribution columns, or onto reference tables', async () => {
    const { rows } = await db.pool.query<{ name: string; src: string; dst: string; src_kind: string; dst_kind: string; src_grp: string | null; dst_grp: string | null; paired: boolean }>(
      `SELECT c.conname AS name, c.conrelid::regclass::text AS src, c.confrelid::regclass::text AS dst, s.kind AS src_kind, d.kind AS dst_kind,
              s.grp AS src_grp, d.grp AS dst_grp,
              EXISTS (SELECT 1 FROM generate_subscripts(c.conkey, 1) i
                       WHERE c.conkey[i] = (SELECT attnum FROM pg_attribute WHERE attrelid = c.conrelid AND attname = s.col)
                         AND c.confkey[i] = (SELECT attnum FROM pg_attribute WHERE attrelid = c.confrelid AND attname = d.col)) AS paired
         FROM pg_constraint c JOIN citus_stand_in s ON s.tbl = c.conrelid JOIN citus_stand_in d ON d.tbl = c.confrelid
        WHERE c.contype = 'f'`,
    );
    expect(rows.length).toBeGreaterThan(50);
    const bad = rows.filter((r) => {
      if (r.dst_kind === 'reference') return false;
      if (r.src_kind === 'local' && r.dst_kind === 'local') return false;
      return !(r.src_kind === 'distributed' && r.dst_kind === 'distributed' && r.src_grp === r.dst_grp && r.paired);
    });
    expect(bad.map((r) => `${r.name}: ${r.src} (${r.src_kind}) → ${r.dst} (${r.dst_kind})`)).toEqual([]);
  });
});
