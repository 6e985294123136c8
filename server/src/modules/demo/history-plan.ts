/**
 * The demo history as a plan (pure apart from its inputs): which cases a district of 1.7 million reports in
 * 30 days, and what happens to each of them when.
 *
 * The mix: most reports come from grid workers on patrol, then the public and the hotline; city appearance and
 * street order dominate; reports follow a daily rhythm (morning and afternoon peaks, quiet nights, lighter
 * weekends) and the population of each grid. Each case is walked through the closed loop by the shared case
 * rules (history-walk.ts) with the same clocks (working time, the Chinese calendar) and lights as live cases:
 * most are answered and closed in time, some are answered late or handled late, a few are very late and still
 * open (and on the supervision list), some fail verification and are reworked, a few are escalated, voided
 * (some as duplicates) or parked (and some of those taken up again).
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  cstCompactDate,
  cstDayIndex,
  cstDayStartMs,
  cstWeekday,
  computeClocks,
  formatCaseCode,
  initialLight,
  signForDeadline,
  type CaseClocks,
  type CaseRecord,
  type CaseSource,
  type CategoryLimits,
  type Priority,
  type WorkCalendar,
} from '@gridcommand/shared/domain';
import { mulberry32 } from '@gridcommand/data';
import { lifeOf } from './history-life.ts';
import { CaseWalk, factsPrefixOf, type HistoryEvent, type HistorySupervision, type WalkCase } from './history-walk.ts';

export interface GridRow {
  code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  population: number;
  community_name: string;
  street_name: string;
}

export interface CategoryRow extends CategoryLimits {
  code: string;
  name: string;
  majorName: string;
  departmentCode: string;
}

export interface PlanOptions {
  days: number;
  count: number;
  seed: number;
  now: Date;
  calendar: WorkCalendar;
  /** first case id, case code sequence number, supervision id and notice sequence number to use */
  firstId: number;
  firstSeq: number;
  firstSupervisionId: number;
  firstNoticeSeq: number;
  /**
   * Share of cases (0–1) that stall at a random stage of their life and are still open now, late and supervised
   * (a city's backlog, for the megacity profile's open-case count); 0 or absent: none, and no random draws
   * are spent on it (the demo history stays as it is).
   */
  stallShare?: number;
}

export interface PlannedCase {
  id: number;
  code: string;
  source: CaseSource;
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
  /** the case as its last event leaves it: the row to write */
  record: CaseRecord;
  walk: WalkCase;
}

export interface HistoryPlan {
  cases: PlannedCase[];
  /** every event, in time order (a case's events at one instant in the order a writer appends them) */
  events: HistoryEvent[];
  /** supervision records, ids and notice numbers in the order they were opened */
  supervision: HistorySupervision[];
}

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

const SOURCES: [CaseSource, number][] = [
  ['grid_worker', 55],
  ['public', 17],
  ['hotline', 18],
  ['sensor', 5],
  ['department', 5],
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华晶文辉飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣怡佳琪子涵浩然梓萱';

/** A duplicate points at the last case of the same category in the same community, reported this recently. */
const DUPLICATE_WINDOW_MS = 10 * DAY_MS;

/** How heavy a CST day is in the volume of reports (the instant of any moment of it): weekends are lighter. */
export function dayWeight(atMs: number): number {
  const dow = cstWeekday(atMs);
  return dow === 0 || dow === 6 ? 0.7 : 1;
}

const HOUR_WEIGHT_SUM = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
/** an average week's mean day weight (5 weekdays, 2 lighter weekend days) */
const MEAN_DAY_WEIGHT = (5 + 2 * 0.7) / 7;

/**
 * Reports an hour at `atMs` in a history of `count` reports over `days` days, by the same rhythm that places the
 * history's reports (day weight × hour-of-day weight, China time): the volume the live simulator follows.
 */
export function historyReportsPerHour(count: number, days: number, atMs: number): number {
  const hour = Math.floor((atMs - cstDayStartMs(cstDayIndex(atMs))) / HOUR_MS);
  return ((count / (days * MEAN_DAY_WEIGHT)) * dayWeight(atMs) * HOUR_WEIGHTS[hour]!) / HOUR_WEIGHT_SUM;
}

/** The reported instants: per day (weekends lighter) and per hour of day, sorted. */
function reportInstants(rand: () => number, days: number, count: number, now: number): number[] {
  const start = now - days * DAY_MS;
  const firstDay = cstDayIndex(start) + 1; // the first whole CST day; today is the last, up to now
  const dayWeights = Array.from({ length: days }, (_, i) => {
    return [i, dayWeight(cstDayStartMs(firstDay + i))] as const;
  });
  const pickDay = weightedPicker(dayWeights, ([, w]) => w);
  const pickHour = weightedPicker(HOUR_WEIGHTS.map((w, h) => [h, w] as const), ([, w]) => w);
  const instants: number[] = [];
  while (instants.length < count) {
    const [day] = pickDay(rand());
    const [hour] = pickHour(rand());
    const t = cstDayStartMs(firstDay + day) + hour * HOUR_MS + Math.floor(rand() * HOUR_MS);
    if (t > start && t < now - 2 * MINUTE_MS) instants.push(t);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * Events in time order, by the hour: a case's events go to the hours they happen in, and an hour is given
 * out (sorted) once no event can be added to it any more. Within an instant the sort keeps the order they came
 * in: a case reported earlier first, and a case's own events in the order it emitted them.
 */
class EventHours {
  private readonly hours: (HistoryEvent[] | undefined)[] = [];
  private next = 0;

  constructor(private readonly start: number) {}

  add(events: readonly HistoryEvent[]): void {
    for (const e of events) {
      const h = Math.floor((e.at - this.start) / HOUR_MS);
      (this.hours[h] ??= []).push(e);
    }
  }

  /** The events of every hour that ends by `until`, in time order. */
  *before(until: number): Generator<HistoryEvent> {
    while (this.next < this.hours.length && this.start + (this.next + 1) * HOUR_MS <= until) {
      const list = this.hours[this.next];
      this.hours[this.next++] = undefined;
      if (list) yield* list.sort((a, b) => a.at - b.at);
    }
  }
}

/**
 * The history, planned case by case in the order the cases were reported. `plan()` hands each case over
 * as soon as it is planned and yields the events in time order as soon as they are final (a case reported
 * later cannot add an earlier event), so a loader can write either while the rest is still being planned.
 * Supervision records get their ids and notice numbers there, in the order they were opened, as the live
 * writer numbers them; once `plan()` is done, `supervision` is complete.
 */
export class HistoryPlanner {
  readonly supervision: HistorySupervision[] = [];
  private readonly rand: () => number;
  private readonly pickGrid: (r: number) => GridRow;
  private readonly pickCategory: (r: number) => CategoryRow;
  private readonly pickSource: (r: number) => readonly [CaseSource, number];
  /** community + category → the last case reported there (for duplicates) */
  private readonly lastSeen = new Map<string, { id: number; at: number }>();

  constructor(
    grids: GridRow[],
    private readonly points: Map<string, [number, number][]>,
    categories: CategoryRow[],
    private readonly opts: PlanOptions,
  ) {
    this.rand = mulberry32(opts.seed).next;
    this.pickGrid = weightedPicker(grids, (g) => 200 + g.population);
    this.pickCategory = weightedPicker(categories, (c) => MAJOR_WEIGHTS.find(([re]) => re.test(c.majorName))?.[1] ?? 1);
    this.pickSource = weightedPicker(SOURCES, ([, w]) => w);
  }

  *plan(onCase: (c: PlannedCase) => void): Generator<HistoryEvent> {
    const now = this.opts.now.getTime();
    const instants = reportInstants(this.rand, this.opts.days, this.opts.count, now);
    const hours = new EventHours(instants[0] ?? now);
    for (let i = 0; i < instants.length; i++) {
      hours.add(this.planCase(i, instants[i]!, onCase));
      // a case reported later cannot add an earlier event
      const final = i + 1 < instants.length ? instants[i + 1]! : Infinity;
      for (const e of hours.before(final)) yield this.numbered(e);
    }
  }

  /** Gives a newly opened supervision record its id and notice number. */
  private numbered(e: HistoryEvent): HistoryEvent {
    const s = e.supervision;
    if (s && e.type === 'supervision.opened') {
      const k = this.supervision.length;
      s.id = this.opts.firstSupervisionId + k;
      s.noticeNo = `DB${cstCompactDate(s.openedAt)}-${String(this.opts.firstNoticeSeq + k).padStart(4, '0')}`;
      this.supervision.push(s);
    }
    return e;
  }

  /** One case: its facts, and its life walked through the rules up to now. Returns its events. */
  private planCase(i: number, t0: number, onCase: (c: PlannedCase) => void): HistoryEvent[] {
    const { rand, opts } = this;
    const now = opts.now.getTime();
    const id = opts.firstId + i;
    const reportedAt = new Date(t0);
    const grid = this.pickGrid(rand());
    const pts = this.points.get(grid.code)!;
    const [lon, lat] = pts[Math.floor(rand() * pts.length)]!;
    const category = this.pickCategory(rand());
    const emergencyClass = /突发|应急/.test(category.majorName);
    const priority: Priority = emergencyClass ? (rand() < 0.6 ? 'emergency' : 'urgent') : rand() < 0.07 ? 'urgent' : 'normal';
    const [source] = this.pickSource(rand());
    const clocks = computeClocks({ reportedAt, priority, category }, opts.calendar);
    const personal = source === 'public' || source === 'hotline';
    const name = personal ? SURNAMES[Math.floor(rand() * SURNAMES.length)]! + GIVEN[Math.floor(rand() * GIVEN.length)]! + (rand() < 0.5 ? GIVEN[Math.floor(rand() * GIVEN.length)]! : '') : null;
    const phone = personal ? `1${['3', '5', '8', '7'][Math.floor(rand() * 4)]}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}` : null;
    const address = `${grid.street_name}${grid.community_name}${1 + Math.floor(rand() * 180)}号附近`;
    const code = formatCaseCode(reportedAt, ((opts.firstSeq + i - 1) % 999_999) + 1);
    const title = `${category.name}（${grid.community_name}）`;

    const walkCase: WalkCase = {
      id,
      streetCode: grid.street_code,
      gridCode: grid.code,
      departmentCode: category.departmentCode,
      point: ewkbPoint(lon, lat),
      factsPrefix: factsPrefixOf({
        id, code, priority, source, categoryCode: category.code, gridCode: grid.code, communityCode: grid.community_code,
        zoneCode: grid.zone_code, streetCode: grid.street_code, lon, lat, title,
        reportedAt: reportedAt.toISOString(), resolveBy: clocks.resolveBy.toISOString(),
      }),
    };
    // intake, as the live intake does it: the category's department, the clocks and the first light
    const first = initialLight(clocks, reportedAt);
    const intake: CaseRecord = {
      id, status: 'reported', version: 1, escalationLevel: 'grid', parkedFrom: null, parkReason: null, parkReviewDate: null,
      voidReason: null, duplicateOf: null, teamId: null, departmentCode: category.departmentCode, reworkCount: 0, fixedOnSpot: false,
      signBy: null, returnCount: 0, returnedBy: null, returnReason: null, helperDepartments: [],
      light: first.light, nextLightAt: first.nextLightAt, supervised: false, clocks, stamps: {}, updatedAt: reportedAt,
    };
    const createdBy = source === 'grid_worker' ? 'worker' : source === 'public' ? 'public' : 'dispatcher';
    const events: HistoryEvent[] = [];
    const walk = new CaseWalk(walkCase, intake, createdBy, title, events);

    const dupKey = `${grid.community_code}:${category.code}`;
    const earlier = this.lastSeen.get(dupKey);
    const steps = lifeOf(rand, {
      t0, clocks, now, departmentCode: category.departmentCode,
      duplicateOf: earlier && t0 - earlier.at < DUPLICATE_WINDOW_MS ? earlier.id : null,
      signBy: (at) => signForDeadline(priority, new Date(at), opts.calendar),
    });
    this.lastSeen.set(dupKey, { id, at: t0 });
    for (const s of steps) s.at = Math.floor(s.at); // whole milliseconds, as Date keeps them
    steps.sort((a, b) => a.at - b.at);
    // a stalled case stops before its last step (the close, or a void): it waits there until now
    if (opts.stallShare && rand() < opts.stallShare) steps.length = Math.floor(rand() * steps.length);
    for (const s of steps) {
      if (s.at >= now) break;
      walk.act(s.at, s.role ?? (walk.record.status === 'in_progress' ? 'handler' : 'dispatcher'), s.cmd);
    }
    walk.passTime(now, true);

    onCase({
      id, code, source, category, priority, title, address, lon, lat, grid, reportedAt, clocks,
      description: `${address}发现${category.name}问题，请及时处置。`,
      reporterName: name,
      reporterPhone: phone,
      record: walk.record,
      walk: walkCase,
    });
    return events;
  }
}

/** Plans the whole history in memory — for tests; the loader streams `HistoryPlanner.plan()`. */
export function planHistory(
  grids: GridRow[],
  points: Map<string, [number, number][]>,
  categories: CategoryRow[],
  opts: PlanOptions,
): HistoryPlan {
  const planner = new HistoryPlanner(grids, points, categories, opts);
  const cases: PlannedCase[] = [];
  const events = [...planner.plan((c) => cases.push(c))];
  return { cases, events, supervision: planner.supervision };
}

/** A point as hex EWKB (SRID 4326), the cheapest form for the database to read. */
function ewkbPoint(lon: number, lat: number): string {
  const b = Buffer.allocUnsafe(25);
  b.writeUInt8(1, 0); // little endian
  b.writeUInt32LE(0x20000001, 1); // point, with SRID
  b.writeUInt32LE(4326, 5);
  b.writeDoubleLE(lon, 9);
  b.writeDoubleLE(lat, 17);
  return b.toString('hex');
}
