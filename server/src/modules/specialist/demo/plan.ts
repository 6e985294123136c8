/**
 * The demo district's specialist grids and base data, planned from its areas without a database (deterministic:
 * one seeded generator, the same areas give the same plan). demo/repository.ts writes the plan.
 * - labour inspection: level 1 = consecutive communities of a street (by zone, then code), about 11 per street
 *   (fewer where the street has fewer communities); level 2 = one per community, under its level-1 grid;
 * - food safety: one per community/village, with its information officer (信息员);
 * - police patrol zones: 15 groups of neighbouring unit grids (the grids' label points cut in
 *   Hilbert-curve order, about equal population), each the union of its grids;
 * - base data: registered counts from each grid's population and households (urban grids hold more enterprises
 *   and shops), and records for at most a few of each kind per grid (the demo keeps the record total modest).
 */
import type { BaseKind } from '@gridcommand/shared/domain';

export interface CommunityIn {
  code: string;
  name: string;
  streetCode: string;
  streetName: string;
  zoneCode: string;
}

export interface GridIn {
  code: string;
  communityCode: string;
  communityName: string;
  population: number;
  households: number;
  urban: boolean;
  lon: number;
  lat: number;
}

export interface PlannedGrid {
  layer: string;
  code: string;
  name: string;
  level: number;
  parent: string | null;
  street: string | null;
  /** community codes (labour, food) or unit-grid codes (patrol) it is the union of */
  communities: string[];
  grids: string[];
  officers: { name: string; title: string; phone: string; responsible: boolean }[];
}

export interface PlannedRecord {
  grid: string;
  kind: BaseKind;
  name: string;
  address: string;
  detail: string;
  contactName: string | null;
  contactPhone: string | null;
}

export interface Plan {
  grids: PlannedGrid[];
  counts: { grid: string; kind: BaseKind; n: number }[];
  records: PlannedRecord[];
}

export const SPECIALIST_DEMO_SEED = 370217;
export const LABOUR_GROUPS_PER_STREET = 11;
export const PATROL_ZONES = 15;
/** records generated per grid and kind at most */
export const RECORDS_PER_KIND: Readonly<Record<BaseKind, number>> = { enterprise: 4, shop: 5, rented_home: 6, care_person: 4, key_person: 2 };

type Rand = () => number;

function mulberry32(seed: number): Rand {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王王王张张张李李刘刘孙杨赵徐陈高薛于姜宋丁韩马胡郭朱林周吴郑冯袁董崔曲隋纪逄矫栾臧'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏宇浩欣怡晨雪海波峰林晓丹婷'.split('');
const FIRMS = ['海润', '金鼎', '瑞丰', '鑫源', '华顺', '宏达', '恒泰', '永盛', '琴岛', '胶南', '蓝海', '泰和'];
const FIRM_KINDS = ['机械制造有限公司', '食品有限公司', '物流有限公司', '建筑工程有限公司', '电子科技有限公司', '服装有限公司', '海产品加工厂'];
const SHOP_KINDS = ['便利店', '餐馆', '理发店', '水果店', '药店', '五金店', '早餐店', '超市'];
const CARE_KINDS = ['独居老人', '空巢老人', '残疾人', '低保户', '留守儿童'];
const KEY_KINDS = ['社区矫正对象', '刑满释放人员', '精神障碍患者', '重点信访人员'];

class Gen {
  private readonly used = new Set<string>();
  constructor(readonly rand: Rand) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }
  person(): string {
    return this.pick(SURNAMES) + this.pick(GIVEN) + (this.rand() < 0.6 ? this.pick(GIVEN) : '');
  }
  phone(): string {
    for (;;) {
      const n = `1${this.pick(['3', '5', '8'])}${this.int(0, 9)}${String(this.int(0, 99_999_999)).padStart(8, '0')}`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }
}

/** Splits items into k runs of consecutive items whose sizes differ by one at most. */
export function splitRuns<T>(items: readonly T[], k: number): T[][] {
  const n = Math.max(1, Math.min(k, items.length));
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out.filter((r) => r.length > 0);
}

/** Index of a point on a Hilbert curve over a 2^order square (x, y integers in [0, 2^order)). */
export function hilbertIndex(order: number, x0: number, y0: number): number {
  let x = x0;
  let y = y0;
  let d = 0;
  for (let s = 2 ** (order - 1); s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return d;
}

/**
 * k groups of neighbouring points of about equal weight: the points in Hilbert-curve order (neighbours on the curve
 * are neighbours on the map), cut into k runs. Returns each point's group (0 … k-1).
 */
export function groupPoints(points: readonly { x: number; y: number; w: number }[], k: number): number[] {
  if (points.length === 0) return [];
  const order = 10;
  const side = 2 ** order - 1;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  const span = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0, 1e-9);
  const h = points.map((p) => hilbertIndex(order, Math.round(((p.x - x0) / span) * side), Math.round(((p.y - y0) / span) * side)));
  const idx = points.map((_, i) => i).sort((a, b) => h[a]! - h[b]! || a - b);
  const total = points.reduce((s, p) => s + Math.max(p.w, 1), 0);
  const group = points.map(() => 0);
  let acc = 0;
  for (const i of idx) {
    const w = Math.max(points[i]!.w, 1);
    group[i] = Math.min(k - 1, Math.floor(((acc + w / 2) / total) * k));
    acc += w;
  }
  return group;
}

function planLayers(g: Gen, communities: readonly CommunityIn[], grids: readonly GridIn[]): PlannedGrid[] {
  const out: PlannedGrid[] = [];
  const byStreet = new Map<string, CommunityIn[]>();
  for (const c of [...communities].sort((a, b) => a.zoneCode.localeCompare(b.zoneCode) || a.code.localeCompare(b.code))) {
    const list = byStreet.get(c.streetCode) ?? [];
    list.push(c);
    byStreet.set(c.streetCode, list);
  }
  const labourL2: PlannedGrid[] = [];
  for (const street of [...byStreet.keys()].sort()) {
    const list = byStreet.get(street)!;
    splitRuns(list, LABOUR_GROUPS_PER_STREET).forEach((run, i) => {
      const code = `LB-${street}-${String(i + 1).padStart(2, '0')}`;
      out.push({
        layer: 'labour', code, name: `${run[0]!.streetName}劳动保障监察第${i + 1}网格`, level: 1, parent: null, street,
        communities: run.map((c) => c.code), grids: [],
        officers: [
          { name: g.person(), title: '劳动保障监察员', phone: g.phone(), responsible: true },
          { name: g.person(), title: '劳动保障监察员', phone: g.phone(), responsible: false },
        ],
      });
      for (const c of run) {
        labourL2.push({
          layer: 'labour', code: `LB-${c.code}`, name: `${c.name}劳动保障网格`, level: 2, parent: code, street,
          communities: [c.code], grids: [],
          officers: [{ name: g.person(), title: '劳动保障协理员', phone: g.phone(), responsible: true }],
        });
      }
    });
  }
  out.push(...labourL2);
  for (const c of [...communities].sort((a, b) => a.code.localeCompare(b.code))) {
    out.push({
      layer: 'food', code: `FS-${c.code}`, name: `${c.name}食品安全网格`, level: 1, parent: null, street: c.streetCode,
      communities: [c.code], grids: [],
      officers: [{ name: g.person(), title: '食品安全信息员', phone: g.phone(), responsible: true }],
    });
  }
  const sorted = [...grids].sort((a, b) => a.code.localeCompare(b.code));
  const groups = groupPoints(sorted.map((p) => ({ x: p.lon * Math.cos((36 * Math.PI) / 180), y: p.lat, w: p.population })), PATROL_ZONES);
  // numbered west to east by their first grid
  const members = new Map<number, string[]>();
  sorted.forEach((p, i) => members.set(groups[i]!, [...(members.get(groups[i]!) ?? []), p.code]));
  const west = [...members.entries()].map(([k, codes]) => ({ k, codes, x: Math.min(...codes.map((c) => sorted.find((p) => p.code === c)!.lon)) }));
  west.sort((a, b) => a.x - b.x);
  west.forEach((z, i) => {
    out.push({
      layer: 'patrol', code: `PT-${String(i + 1).padStart(2, '0')}`, name: `第${i + 1}巡防区`, level: 1, parent: null, street: null,
      communities: [], grids: z.codes,
      officers: [
        { name: g.person(), title: '巡防组长', phone: g.phone(), responsible: true },
        { name: g.person(), title: '巡防队员', phone: g.phone(), responsible: false },
        { name: g.person(), title: '巡防队员', phone: g.phone(), responsible: false },
      ],
    });
  });
  return out;
}

/** Registered counts of one grid, from its population and households. */
export function gridCounts(r: Rand, grid: Pick<GridIn, 'population' | 'households' | 'urban'>): Record<BaseKind, number> {
  const between = (a: number, b: number) => a + r() * (b - a);
  return {
    enterprise: Math.round(grid.population / (grid.urban ? between(120, 220) : between(400, 800))),
    shop: Math.round(grid.population / (grid.urban ? between(40, 80) : between(150, 300))),
    rented_home: Math.round(grid.households * between(0.1, 0.3)),
    care_person: Math.round(grid.population * between(0.01, 0.02)),
    key_person: Math.round(grid.population * between(0.0005, 0.0015)),
  };
}

function record(g: Gen, grid: GridIn, kind: BaseKind, i: number): PlannedRecord {
  const address = `${grid.communityName}${g.int(1, 40)}号楼${g.int(1, 6)}单元`;
  switch (kind) {
    case 'enterprise':
      return { grid: grid.code, kind, name: `青岛${g.pick(FIRMS)}${g.pick(FIRM_KINDS)}`, address: `${grid.communityName}工业路${g.int(1, 300)}号`, detail: `从业人员${g.int(8, 260)}人`, contactName: g.person(), contactPhone: g.phone() };
    case 'shop':
      return { grid: grid.code, kind, name: `${g.pick(FIRMS)}${g.pick(SHOP_KINDS)}`, address: `${grid.communityName}商业街${g.int(1, 200)}号`, detail: i % 3 === 0 ? '沿街商铺' : '个体工商户', contactName: g.person(), contactPhone: g.phone() };
    case 'rented_home':
      return { grid: grid.code, kind, name: `${address}${g.int(1, 30)}0${g.int(1, 4)}室`, address, detail: `租住${g.int(1, 5)}人`, contactName: g.person(), contactPhone: g.phone() };
    case 'care_person':
      return { grid: grid.code, kind, name: g.person(), address, detail: g.pick(CARE_KINDS), contactName: g.person(), contactPhone: g.phone() };
    case 'key_person':
      return { grid: grid.code, kind, name: g.person(), address, detail: g.pick(KEY_KINDS), contactName: null, contactPhone: null };
  }
}

export function planDemo(communities: readonly CommunityIn[], grids: readonly GridIn[], seed = SPECIALIST_DEMO_SEED): Plan {
  const g = new Gen(mulberry32(seed));
  const layers = planLayers(g, communities, grids);
  const counts: Plan['counts'] = [];
  const records: PlannedRecord[] = [];
  for (const grid of [...grids].sort((a, b) => a.code.localeCompare(b.code))) {
    const c = gridCounts(g.rand, grid);
    for (const kind of Object.keys(c) as BaseKind[]) {
      counts.push({ grid: grid.code, kind, n: c[kind] });
      const m = Math.min(c[kind], RECORDS_PER_KIND[kind]);
      for (let i = 0; i < m; i++) records.push(record(g, grid, kind, i));
    }
  }
  return { grids: layers, counts, records };
}
