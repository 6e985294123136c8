/**
 * Demo history: 30 days of plausible cases for the demo district, loaded with COPY.
 *
 * The mix follows what a district of 1.7 million produces: most reports come from grid workers on
 * patrol, then the public and the hotline; city appearance and street order dominate; reports follow
 * a daily rhythm (morning and afternoon peaks, quiet nights, lighter weekends) and the population of
 * each grid. Each case is walked through the closed loop with the same clocks (working time, the
 * Chinese calendar) and lights as live cases: most close in time, some late, some are still open and
 * overdue (and red ones are on the supervision list), a few are escalated, voided or parked.
 * Every stage is also an event row, so timelines and statistics see the history like live work.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  computeClocks,
  formatCaseCode,
  lightFor,
  nextLightChangeAt,
  type CaseClocks,
  type CaseState,
  type CategoryLimits,
  type Light,
  type Priority,
  type WorkCalendar,
} from '@gridcommand/shared/domain';
import { EVENT_LOCK_KEY } from '../live/events.ts';
import { mulberry32 } from '@gridcommand/data';

export interface HistoryOptions {
  days?: number;
  count?: number;
  seed?: number;
  now?: Date;
  calendar: WorkCalendar;
}

interface GridRow {
  code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  population: number;
  community_name: string;
  street_name: string;
}

interface CategoryRow extends CategoryLimits {
  code: string;
  name: string;
  majorName: string;
  departmentCode: string;
}

type Source = 'grid_worker' | 'public' | 'hotline' | 'sensor' | 'department';


/** Picks by weight with a prefix-sum table and binary search. */
function weightedPicker<T>(items: T[], weight: (t: T) => number): (r: number) => T {
  const cum: number[] = [];
  let sum = 0;
  for (const it of items) cum.push((sum += Math.max(0, weight(it))));
  return (r) => {
    const x = r * sum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

// Reports by hour of day (China Standard Time): quiet nights, peaks mid-morning and afternoon.
const HOUR_WEIGHTS = [0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 1, 2.2, 4, 5.5, 5.8, 4.6, 2.6, 3, 4.6, 5.2, 4.8, 3.6, 2.2, 1.8, 1.6, 1.2, 0.8, 0.5];

const MAJOR_WEIGHTS: [RegExp, number][] = [
  [/市容|环境/, 5],
  [/街面|秩序/, 3.2],
  [/设施/, 3],
  [/施工|建设|违建/, 1.8],
  [/安全|隐患/, 2],
  [/纠纷|矛盾/, 1.6],
  [/出租|流动|人口/, 1.3],
  [/食品/, 0.9],
  [/劳动|社保|工资/, 0.7],
  [/突发|应急/, 0.25],
];

const SOURCES: [Source, number][] = [
  ['grid_worker', 55],
  ['public', 17],
  ['hotline', 18],
  ['sensor', 5],
  ['department', 5],
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华晶文辉飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣怡佳琪子涵浩然梓萱';

const HOUR = 3_600_000;
const MIN = 60_000;

interface Stage {
  state: CaseState;
  at: Date;
  role: string;
  note?: string;
}

interface CaseRow {
  id: number;
  code: string;
  source: Source;
  category: CategoryRow;
  priority: Priority;
  title: string;
  description: string;
  address: string;
  lon: number;
  lat: number;
  grid: GridRow;
  reporterName: string | null;
  reporterPhone: string | null;
  reportedAt: Date;
  clocks: CaseClocks;
  stages: Stage[];
  status: CaseState;
  escalationLevel: number;
  escalatedAt: Date | null;
  reworkAt: Date | null;
  voidReason: string | null;
  parkReason: string | null;
  parkReviewDate: string | null;
  light: Light;
  nextLightAt: Date | null;
  redAt: Date | null;
  /** when the case went overdue (yellow), for overdue cases */
  overdueAt: Date | null;
}

function ts(d: Date | null | undefined): string {
  return d ? d.toISOString() : '\\N';
}

function txt(s: string | null | undefined): string {
  if (s === null || s === undefined) return '\\N';
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function copyRows(client: pg.PoolClient, sql: string, rows: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  async function* lines() {
    let buf = '';
    for (const r of rows) {
      buf += r;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(lines()), stream);
}

/** Generates the history in memory (pure apart from the inputs) — exported for tests. */
export function planHistory(
  grids: GridRow[],
  points: Map<string, [number, number][]>,
  categories: CategoryRow[],
  opts: Required<Omit<HistoryOptions, 'calendar'>> & { calendar: WorkCalendar; firstId: number; firstSeq: number },
): CaseRow[] {
  const rand = mulberry32(opts.seed).next;
  const pickGrid = weightedPicker(grids, (g) => 200 + g.population);
  const pickCategory = weightedPicker(categories, (c) => MAJOR_WEIGHTS.find(([re]) => re.test(c.majorName))?.[1] ?? 1);
  const pickSource = weightedPicker(SOURCES, ([, w]) => w);
  const pickHour = weightedPicker(HOUR_WEIGHTS.map((w, h) => [h, w] as const), ([, w]) => w);
  const now = opts.now.getTime();
  const start = now - opts.days * 24 * HOUR;

  // reported instants: per day (weekends lighter), per hour of day
  const dayWeights = Array.from({ length: opts.days }, (_, i) => {
    const dow = new Date(start + i * 24 * HOUR + 8 * HOUR).getUTCDay();
    return dow === 0 || dow === 6 ? 0.7 : 1;
  });
  const pickDay = weightedPicker(dayWeights.map((w, i) => [i, w] as const), ([, w]) => w);
  const startDayCst = Math.floor((start + 8 * HOUR) / (24 * HOUR)) * 24 * HOUR - 8 * HOUR;
  const instants: number[] = [];
  while (instants.length < opts.count) {
    const [day] = pickDay(rand());
    const [hour] = pickHour(rand());
    const t = startDayCst + (day + 1) * 24 * HOUR + hour * HOUR + Math.floor(rand() * HOUR);
    if (t > start && t < now - 2 * MIN) instants.push(t);
  }
  instants.sort((a, b) => a - b);

  const out: CaseRow[] = [];
  let seq = opts.firstSeq;
  for (let i = 0; i < instants.length; i++) {
    const reportedAt = new Date(instants[i]!);
    const grid = pickGrid(rand());
    const pts = points.get(grid.code)!;
    const [lon, lat] = pts[Math.floor(rand() * pts.length)]!;
    const category = pickCategory(rand());
    const emergencyClass = /突发|应急/.test(category.majorName);
    const priority: Priority = emergencyClass ? (rand() < 0.6 ? 'emergency' : 'urgent') : rand() < 0.07 ? 'urgent' : 'normal';
    const [source] = pickSource(rand());
    const clocks = computeClocks({ reportedAt, priority, category }, opts.calendar);
    const personal = source === 'public' || source === 'hotline';
    const name = personal ? SURNAMES[Math.floor(rand() * SURNAMES.length)]! + GIVEN[Math.floor(rand() * GIVEN.length)]! + (rand() < 0.5 ? GIVEN[Math.floor(rand() * GIVEN.length)]! : '') : null;
    const phone = personal ? `1${['3', '5', '8', '7'][Math.floor(rand() * 4)]}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}` : null;
    const address = `${grid.street_name}${grid.community_name}${1 + Math.floor(rand() * 180)}号附近`;

    // The life of the case: stage instants between report and close.
    const respondSpan = clocks.respondBy.getTime() - reportedAt.getTime();
    const resolveSpan = clocks.resolveBy.getTime() - reportedAt.getTime();
    const r = rand();
    const late = r < 0.045;
    const stuck = r >= 0.045 && r < 0.057; // will go very late if still open
    const voided = r >= 0.057 && r < 0.077;
    const parked = r >= 0.077 && r < 0.09;
    const f = late ? 1.05 + rand() * 1.2 : stuck ? 1.8 + rand() * 2.5 : 0.02 + 0.45 * rand() * rand();
    const t0 = reportedAt.getTime();
    const filed = t0 + Math.max(2 * MIN, respondSpan * (0.05 + 0.5 * rand()));
    const dispatched = filed + (3 + rand() * 25) * MIN;
    const accepted = dispatched + (5 + rand() * 50) * MIN;
    const handled = Math.max(accepted + 20 * MIN, t0 + resolveSpan * f);
    const verified = handled + (0.5 + rand() * 5) * HOUR;
    const closed = verified + (0.2 + rand() * 1.5) * HOUR;
    const plan: Stage[] = [
      { state: 'filed', at: new Date(filed), role: 'dispatcher' },
      { state: 'dispatched', at: new Date(dispatched), role: 'dispatcher' },
      { state: 'in_progress', at: new Date(accepted), role: 'handler' },
      { state: 'handled', at: new Date(handled), role: 'handler' },
      { state: 'verified', at: new Date(verified), role: 'worker' },
      { state: 'closed', at: new Date(closed), role: 'dispatcher' },
    ];
    let stages = plan.filter((s) => s.at.getTime() <= now);
    let voidReason: string | null = null;
    let parkReason: string | null = null;
    let parkReviewDate: string | null = null;
    if (voided) {
      const at = new Date(Math.min(now - MIN, t0 + (10 + rand() * 90) * MIN));
      voidReason = rand() < 0.6 ? '重复上报' : '经核实不属实';
      stages = [{ state: 'void', at, role: 'dispatcher', note: voidReason }];
    } else if (parked && stages.length >= 3 && stages.length < 6) {
      parkReason = '需纳入年度改造计划，暂挂账';
      const at = new Date(stages[stages.length - 1]!.at.getTime() + 2 * HOUR);
      if (at.getTime() < now) {
        stages = [...stages.slice(0, 3), { state: 'parked', at, role: 'dispatcher', note: parkReason }];
        parkReviewDate = new Date(now + (10 + rand() * 50) * 24 * HOUR + 8 * HOUR).toISOString().slice(0, 10);
      }
    }
    const status: CaseState = stages.length ? stages[stages.length - 1]!.state : 'reported';
    // rework: verification failed once before passing
    const reworkAt = status === 'closed' && rand() < 0.04 ? new Date(handled + 20 * MIN) : null;
    // escalation one to three levels up, for the harder cases
    const escalationLevel = !voided && stages.length >= 1 && rand() < 0.035 ? 1 + Math.floor(rand() * rand() * 3) : 0;
    const escalatedAt = escalationLevel ? new Date(Math.min(now - MIN, filed + (0.5 + rand() * 6) * HOUR)) : null;

    const respondedAt = stages.find((s) => s.state === 'in_progress')?.at ?? null;
    const lc = { state: status, respondedAt, clocks };
    const light = lightFor(lc, new Date(now));
    const nextLightAt = nextLightChangeAt(lc, new Date(now));
    const overdueAt =
      light === 'yellow' || light === 'red'
        ? new Date(respondedAt ? clocks.resolveBy.getTime() + 1 : Math.min(clocks.resolveBy.getTime(), clocks.respondBy.getTime()) + 1)
        : null;
    const redAt = light === 'red' ? (respondedAt ? clocks.resolveRedAt : new Date(Math.min(clocks.resolveRedAt.getTime(), clocks.respondRedAt.getTime()))) : null;

    out.push({
      id: opts.firstId + i,
      code: formatCaseCode(reportedAt, ((seq - 1) % 999_999) + 1),
      source,
      category,
      priority,
      title: `${category.name}（${grid.community_name}）`,
      description: `${address}发现${category.name}问题，请及时处置。`,
      address,
      lon,
      lat,
      grid,
      reporterName: name,
      reporterPhone: phone,
      reportedAt,
      clocks,
      stages,
      status,
      escalationLevel,
      escalatedAt,
      reworkAt,
      voidReason,
      parkReason,
      parkReviewDate,
      light,
      nextLightAt,
      redAt,
      overdueAt,
    });
    seq++;
  }
  return out;
}


/** Loads the demo history into a database that has the district and catalogue but no cases yet. */
export async function seedHistory(pool: pg.Pool, options: HistoryOptions): Promise<{ cases: number; events: number; ms: number }> {
  const t = Date.now();
  const opts = { days: 30, count: 50_000, seed: 20_261_126, now: new Date(), ...options };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: existing } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    if ((existing[0]?.n ?? 0) > 0) {
      await client.query('ROLLBACK');
      return { cases: 0, events: 0, ms: Date.now() - t };
    }
    const grids = (
      await client.query<GridRow>(
        `SELECT g.code, g.community_code, g.zone_code, g.street_code, g.population, c.name AS community_name, s.name AS street_name
         FROM area g JOIN area c ON c.code = g.community_code JOIN area s ON s.code = g.street_code
         WHERE g.level = 'grid' ORDER BY g.code`,
      )
    ).rows;
    if (grids.length === 0) throw new Error('seedHistory: the district is not loaded');
    const points = new Map<string, [number, number][]>();
    const pr = await client.query<{ code: string; lon: number; lat: number }>(
      `SELECT a.code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
       FROM area a, LATERAL ST_Dump(ST_GeneratePoints(a.geom, 16, 20261126)) p
       WHERE a.level = 'grid'`,
    );
    for (const r of pr.rows) {
      const list = points.get(r.code) ?? [];
      list.push([Math.round(r.lon * 1e6) / 1e6, Math.round(r.lat * 1e6) / 1e6]);
      points.set(r.code, list);
    }
    const categories = (
      await client.query<CategoryRow>(
        `SELECT c.code, c.name, m.name AS "majorName", c.department_code AS "departmentCode",
                c.respond_limit::float8 AS "respondLimit", c.respond_unit AS "respondUnit",
                c.resolve_limit::float8 AS "resolveLimit", c.resolve_unit AS "resolveUnit",
                c.red_factor::float8 AS "redFactor", c.warn_ratio::float8 AS "warnRatio"
         FROM category c JOIN category_major m ON m.code = c.major_code ORDER BY c.code`,
      )
    ).rows;
    if (categories.length === 0) throw new Error('seedHistory: the event catalogue is empty');

    // Bulk load: as a superuser, skip per-row foreign-key and notify triggers (the rows are built from the
    // tables just read, inside this transaction); otherwise they run as usual, only slower.
    const superuser = (await client.query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user')).rows[0]?.s;
    if (superuser) await client.query(`SET LOCAL session_replication_role = replica`);
    const tCopy = Date.now();
    const idRes = await client.query<{ first: number }>(
      `SELECT nextval(pg_get_serial_sequence('cases', 'id'))::int AS first`,
    );
    const seqRes = await client.query<{ first: number }>(`SELECT nextval('case_code_seq')::int AS first`);
    const tPlan = Date.now();
    const plan = planHistory(grids, points, categories, {
      ...opts,
      firstId: idRes.rows[0]!.first,
      firstSeq: seqRes.rows[0]!.first,
    });
    if (process.env.GC_DEBUG_SEED) console.log(`history planned in ${Date.now() - tPlan} ms`);
    const last = plan[plan.length - 1]!;
    await client.query(`SELECT setval(pg_get_serial_sequence('cases', 'id'), $1)`, [last.id]);
    await client.query(`SELECT setval('case_code_seq', $1)`, [seqRes.rows[0]!.first + plan.length - 1]);

    const cols = [
      'id', 'code', 'source', 'category_code', 'priority', 'title', 'description', 'address', 'location',
      'grid_code', 'community_code', 'zone_code', 'street_code', 'reporter_name', 'reporter_phone',
      'department_code', 'status', 'status_before_park', 'escalation_level', 'void_reason', 'park_reason', 'park_review_date',
      'rework_count', 'reported_at', 'filed_at', 'dispatched_at', 'accepted_at', 'handled_at', 'verified_at', 'closed_at',
      'voided_at', 'respond_by', 'respond_warn_at', 'respond_red_at', 'resolve_by', 'resolve_warn_at', 'resolve_red_at',
      'light', 'next_light_at', 'supervised', 'version', 'updated_at',
    ];
    function* caseLines() {
      for (const c of plan) {
        const at = (s: CaseState) => c.stages.find((x) => x.state === s)?.at ?? null;
        const lastAt = c.stages.length ? c.stages[c.stages.length - 1]!.at : c.reportedAt;
        const beforePark = c.status === 'parked' ? c.stages[c.stages.length - 2]?.state ?? 'filed' : null;
        yield [
          c.id, c.code, c.source, c.category.code, c.priority, txt(c.title), txt(c.description), txt(c.address),
          `SRID=4326;POINT(${c.lon} ${c.lat})`, c.grid.code, c.grid.community_code, c.grid.zone_code, c.grid.street_code,
          txt(c.reporterName), txt(c.reporterPhone), c.category.departmentCode, c.status, beforePark ?? '\\N',
          c.escalationLevel, txt(c.voidReason), txt(c.parkReason), c.parkReviewDate ?? '\\N', c.reworkAt ? 1 : 0,
          ts(c.reportedAt), ts(at('filed')), ts(at('dispatched')), ts(at('in_progress')), ts(at('handled')), ts(at('verified')),
          ts(at('closed')), ts(at('void')), ts(c.clocks.respondBy), ts(c.clocks.respondWarnAt), ts(c.clocks.respondRedAt),
          ts(c.clocks.resolveBy), ts(c.clocks.resolveWarnAt), ts(c.clocks.resolveRedAt), c.light, ts(c.nextLightAt),
          c.light === 'red' || c.light === 'yellow' ? 't' : 'f', 1 + c.stages.length + (c.escalationLevel ? 1 : 0) + (c.reworkAt ? 2 : 0), ts(lastAt),
        ].join('\t') + '\n';
      }
    }
    await copyRows(client, `COPY cases (${cols.join(', ')}) FROM STDIN`, caseLines());

    // supervision: overdue cases are chased by the platform (yellow), long-overdue ones are on the district list (red)
    const overdue = plan.filter((c) => c.light === 'red' || c.light === 'yellow');
    if (overdue.length) {
      await client.query(
        `INSERT INTO supervision (case_id, notice_no, level, reason, opened_at)
         SELECT r.id, 'DB' || to_char(r.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(nextval('supervision_notice_seq')::text, 4, '0'),
                r.level, CASE r.level WHEN 'red' THEN '严重超时，纳入区级大督查' ELSE '超时未办结，平台督办' END, r.at
         FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, at timestamptz, level text)
         ORDER BY r.at`,
        [JSON.stringify(overdue.map((c) => ({ id: c.id, at: c.redAt ?? c.overdueAt, level: c.light })))],
      );
    }

    // events, in time order, so ids follow time as they do live
    interface Ev { at: Date; line: string }
    const events: Ev[] = [];
    const ev = (c: CaseRow, at: Date, type: string, role: string, from: string | null, to: string | null, note: string | null, payload: object) =>
      events.push({
        at,
        line: [ts(at), type, c.id, c.grid.street_code, role, from ?? '\\N', to ?? '\\N', txt(note), `SRID=4326;POINT(${c.lon} ${c.lat})`, txt(JSON.stringify(payload))].join('\t') + '\n',
      });
    for (const c of plan) {
      ev(c, c.reportedAt, 'case.created', c.source === 'grid_worker' ? 'worker' : c.source === 'public' ? 'public' : 'dispatcher', null, 'reported', null, {
        code: c.code, categoryCode: c.category.code, priority: c.priority, gridCode: c.grid.code, light: 'green',
      });
      let prev: string = 'reported';
      for (const s of c.stages) {
        if (c.reworkAt && s.state === 'verified') {
          ev(c, c.reworkAt, 'case.updated', 'worker', 'handled', 'in_progress', '核查未通过，退回返工', { action: 'verify_fail', code: c.code });
          ev(c, new Date(c.reworkAt.getTime() + 40 * MIN), 'case.updated', 'handler', 'in_progress', 'handled', null, { action: 'handle', code: c.code });
        }
        ev(c, s.at, s.state === 'closed' ? 'case.closed' : 'case.updated', s.role, prev, s.state, s.note ?? null, { code: c.code });
        prev = s.state;
      }
      if (c.escalatedAt) ev(c, c.escalatedAt, 'case.escalated', 'dispatcher', null, null, '问题复杂，提请上级协调', { code: c.code, level: c.escalationLevel });
      if (c.light !== 'green' && c.light !== 'none') {
        ev(c, new Date(Math.min(opts.now.getTime() - 1000, c.redAt?.getTime() ?? c.clocks.resolveBy.getTime())), 'case.light', 'system', null, null, null, { code: c.code, light: c.light });
      }
    }
    events.sort((a, b) => a.at.getTime() - b.at.getTime());
    await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK_KEY]);
    // history is not news: no notification per row (a listener catches up from the table anyway)
    await client.query('ALTER TABLE event DISABLE TRIGGER event_notify');
    await copyRows(
      client,
      'COPY event (at, type, case_id, street_code, actor_role, from_state, to_state, note, location, payload) FROM STDIN',
      events.map((e) => e.line),
    );
    await client.query('ALTER TABLE event ENABLE TRIGGER event_notify');
    await client.query('COMMIT');
    if (process.env.GC_DEBUG_SEED) console.log(`history copied in ${Date.now() - tCopy} ms`);
    await client.query('ANALYZE cases; ANALYZE event; ANALYZE supervision');
    return { cases: plan.length, events: events.length, ms: Date.now() - t };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
