/**
 * Public alerts of emergency cases as Common Alerting Protocol 1.2 messages (docs/alerts.md): which cases and events
 * are published, how a case maps onto CAP's categories and its urgency / severity / certainty, the message types,
 * identifiers and references, the polygon of the area, and the zh-CN / en texts. Pure; the server reads the events
 * and renders the XML.
 *
 * A message carries category, place (grid level) and state only: never a reporter, a phone, a title or description
 * typed by a person, a photo or an exact point.
 */
import { ACTION_LABELS, CASE_STATE_LABELS, ESCALATION_LABELS, type Locale } from './labels.ts';
import type { CaseAction, CaseState, EscalationLevel } from './case-state.ts';
import { formatCstIso } from './china-time.ts';
import type { Priority } from './sla.ts';

/** The priorities published as alerts: 特急 only. */
export const ALERT_PRIORITIES: readonly Priority[] = ['emergency'];

export function isAlertPriority(p: string): boolean {
  return (ALERT_PRIORITIES as readonly string[]).includes(p);
}

/** The case events that are messages: intake and every action. Light changes, photos and supervision are not. */
export const ALERT_EVENT_TYPES = ['case.created', 'case.updated', 'case.escalated', 'case.closed'] as const;

export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export type CapCategory = (typeof CAP_CATEGORIES)[number];
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
export type CapCertainty = 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';
export type CapResponseType = 'Shelter' | 'Evacuate' | 'Prepare' | 'Execute' | 'Avoid' | 'Monitor' | 'Assess' | 'AllClear' | 'None';
export type CapMsgType = 'Alert' | 'Update' | 'Cancel';

/** The major categories (大类) of the catalogue as CAP categories. */
export const CAP_CATEGORY_OF_MAJOR: Readonly<Record<string, CapCategory>> = {
  '01': 'Env', // 市容环境
  '02': 'Security', // 街面秩序
  '03': 'Infra', // 施工管理
  '04': 'Safety', // 突发事件
  '05': 'Infra', // 公共设施
  '06': 'Safety', // 安全隐患
  '07': 'Security', // 矛盾纠纷
  '08': 'Health', // 食品安全
  '09': 'Other', // 劳动保障
  '10': 'Other', // 出租房屋与流动人口
  '11': 'Env', // 生态环境
};

/** Categories (小类) whose CAP category is not their major's: the emergencies above all. */
export const CAP_CATEGORY_OF_CATEGORY: Readonly<Record<string, CapCategory>> = {
  '02001': 'Transport', // 违规停车
  '02004': 'Transport', // 共享单车乱停放
  '02005': 'Transport', // 非法营运
  '03002': 'Env', // 施工扰民
  '03003': 'Env', // 工地扬尘
  '04001': 'Fire', // 火情
  '04003': 'Infra', // 道路塌陷
  '04004': 'Met', // 积水内涝 (CAP: "Meteorological (inc. flood)")
  '04005': 'Infra', // 供水管道爆裂
  '04006': 'Infra', // 大面积停电
  '04007': 'Transport', // 交通事故
  '04008': 'Security', // 群体性事件
  '04009': 'Rescue', // 房屋倒塌
  '05004': 'Transport', // 交通信号灯故障
  '06001': 'Fire', // 消防通道堵塞
  '06008': 'Rescue', // 电梯故障困人
  '06009': 'Health', // 医疗废物违规处置
};

/** The CAP category of a 5-digit category code: its own entry, else its major's, else Other. */
export function capCategory(categoryCode: string): CapCategory {
  return CAP_CATEGORY_OF_CATEGORY[categoryCode] ?? CAP_CATEGORY_OF_MAJOR[categoryCode.slice(0, 2)] ?? 'Other';
}

export interface CapAssessment {
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  responseType: CapResponseType;
}

const BASE_URGENCY: Readonly<Record<Priority, CapUrgency>> = { emergency: 'Immediate', urgent: 'Expected', normal: 'Future' };
const SEVERITY_LADDER: readonly CapSeverity[] = ['Minor', 'Moderate', 'Severe', 'Extreme'];
const BASE_SEVERITY: Readonly<Record<Priority, number>> = { emergency: 2, urgent: 1, normal: 0 };

/**
 * Urgency, severity, certainty and the recommended response of a case in a state:
 * - reported: not yet confirmed by the center → certainty Likely; filed … in_progress: Observed. Both: the priority's
 *   urgency and severity (特急: Immediate, Severe; one step more, Extreme, once escalated to street or district),
 *   response Avoid.
 * - parked (挂账, waits with a review date): Expected, the priority's severity, Observed, Monitor.
 * - handled, verified (work done, not yet closed): Past, Minor, Observed, Monitor.
 * - closed: Past, Minor, Observed, AllClear. void: Past, Unknown, Unknown, None (the message is a Cancel).
 */
export function capAssessment(priority: Priority, state: CaseState, escalation: EscalationLevel = 'grid'): CapAssessment {
  const bump = escalation === 'street' || escalation === 'district' ? 1 : 0;
  const severity = SEVERITY_LADDER[Math.min(BASE_SEVERITY[priority] + bump, SEVERITY_LADDER.length - 1)]!;
  switch (state) {
    case 'reported':
      return { urgency: BASE_URGENCY[priority], severity, certainty: 'Likely', responseType: 'Avoid' };
    case 'filed':
    case 'dispatched':
    case 'returned':
    case 'in_progress':
      return { urgency: BASE_URGENCY[priority], severity, certainty: 'Observed', responseType: 'Avoid' };
    case 'parked':
      return { urgency: 'Expected', severity, certainty: 'Observed', responseType: 'Monitor' };
    case 'handled':
    case 'verified':
      return { urgency: 'Past', severity: 'Minor', certainty: 'Observed', responseType: 'Monitor' };
    case 'closed':
      return { urgency: 'Past', severity: 'Minor', certainty: 'Observed', responseType: 'AllClear' };
    case 'void':
      return { urgency: 'Past', severity: 'Unknown', certainty: 'Unknown', responseType: 'None' };
  }
}

/**
 * The first message of a case is an Alert; a voided case's message is a Cancel of the earlier ones; every other later
 * message an Update (a closed case: an Update whose responseType is AllClear — the event happened and is over, while
 * Cancel in CAP withdraws messages that should not have been sent).
 */
export function capMsgType(isFirst: boolean, state: CaseState): CapMsgType {
  if (isFirst) return 'Alert';
  return state === 'void' ? 'Cancel' : 'Update';
}

/** CAP's sender and identifier may not hold whitespace, commas, '<' or '&'. */
export function isCapToken(s: string): boolean {
  return s.length > 0 && !/[\s,<&]/.test(s);
}

/** The sender of a district's alerts: "gridcommand:<district code>". */
export function capSender(districtCode: string): string {
  return `gridcommand:${districtCode}`;
}

/** One message per (case, event): "<sender>:<case code>:<event id>", stable for as long as the event exists. */
export function capIdentifier(sender: string, caseCode: string, eventId: number | string): string {
  return `${sender}:${caseCode}:${eventId}`;
}

/** The case code and event id of an identifier of this sender; null when it is not one. */
export function parseCapIdentifier(sender: string, identifier: string): { caseCode: string; eventId: string } | null {
  if (!identifier.startsWith(`${sender}:`)) return null;
  const m = /^([A-Za-z0-9-]{1,40}):([1-9][0-9]{0,17})$/.exec(identifier.slice(sender.length + 1));
  return m ? { caseCode: m[1]!, eventId: m[2]! } : null;
}

/** CAP's date-time: whole seconds with the +08:00 offset, never "Z". */
export function capDateTime(t: Date | number): string {
  return formatCstIso(t);
}

export interface CapMessageRef {
  sender: string;
  identifier: string;
  sent: string;
}

/** `references`: the earlier messages as "sender,identifier,sent", space-separated, oldest first; null when none. */
export function capReferences(earlier: readonly CapMessageRef[]): string | null {
  return earlier.length === 0 ? null : earlier.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' ');
}

// ---------------------------------------------------------------- the area

type Pt = readonly [number, number];

function perpendicular(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (len === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / len;
}

/** Douglas–Peucker of an open line: the points kept (first and last always). */
function simplifyLine(pts: readonly Pt[], eps: number): Pt[] {
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    let best = -1;
    let at = -1;
    for (let k = i + 1; k < j; k++) {
      const d = perpendicular(pts[k]!, pts[i]!, pts[j]!);
      if (d > best) [best, at] = [d, k];
    }
    if (at > 0 && best > eps) {
      keep[at] = 1;
      stack.push([i, at], [at, j]);
    }
  }
  return pts.filter((_, k) => keep[k] === 1);
}

/** At most this many points in one CAP polygon; more are simplified away. */
export const CAP_POLYGON_MAX_POINTS = 200;

/**
 * A ring of [lon, lat] (WGS 84) as a CAP polygon: "lat,lon lat,lon …", closed (first pair = last pair), at least four
 * pairs, 6 decimals (about 0.1 m). A ring of more than `maxPoints` points is simplified (Douglas–Peucker, the tolerance
 * doubled from about 1 m until it fits). Null for a ring of fewer than three distinct points.
 */
export function capPolygon(ring: readonly (readonly number[])[], maxPoints = CAP_POLYGON_MAX_POINTS): string | null {
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  let pts: Pt[] = [];
  for (const p of ring) {
    const q: Pt = [round(p[0]!), round(p[1]!)];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) pts.push(q);
  }
  if (pts.length > 1 && pts[0]![0] === pts[pts.length - 1]![0] && pts[0]![1] === pts[pts.length - 1]![1]) pts.pop();
  if (pts.length < 3) return null;
  pts.push(pts[0]!);
  for (let eps = 1e-5; pts.length > Math.max(maxPoints, 4); eps *= 2) {
    const fewer = simplifyLine(pts, eps);
    if (fewer.length < 4) break;
    pts = fewer;
  }
  return pts.map(([lon, lat]) => `${lat},${lon}`).join(' ');
}

/** The polygons of a GeoJSON MultiPolygon's coordinates: one per part, its outer ring (CAP has no holes). */
export function capPolygons(multi: readonly (readonly (readonly (readonly number[])[])[])[], maxPoints = CAP_POLYGON_MAX_POINTS): string[] {
  return multi.map((part) => (part[0] ? capPolygon(part[0], maxPoints) : null)).filter((p): p is string => p !== null);
}

// ---------------------------------------------------------------- texts

export interface CapTextInput {
  msgType: CapMsgType;
  state: CaseState;
  escalation: EscalationLevel;
  /** the action the message reports; none for intake */
  action: CaseAction | null;
  responseType: CapResponseType;
  caseCode: string;
  /** the category (小类) and major category (大类) names in this language */
  categoryName: string;
  majorName: string;
  /** "street grid", grid-level place */
  place: string;
  gridCode: string;
}

export interface CapTexts {
  headline: string;
  description: string;
  instruction: string;
}

const TAG: Readonly<Record<Locale, Readonly<Record<'open' | 'clear' | 'cancel', string>>>> = {
  'zh-CN': { open: '特急事件', clear: '解除', cancel: '撤销' },
  en: { open: 'Emergency', clear: 'All clear', cancel: 'Cancelled' },
};

const INSTRUCTION: Readonly<Record<Locale, Readonly<Record<CapResponseType, string>>>> = {
  'zh-CN': {
    Avoid: '请暂时避开该网格内的相关区域，服从现场处置人员指挥。',
    Monitor: '现场处置已完成或转入后续跟踪，请留意后续通报。',
    AllClear: '事件已处置完毕并结案，相关区域恢复正常。',
    None: '此前发布的该事件信息已撤销（案件已作废），无需采取行动。',
    Shelter: '请就近躲避。',
    Evacuate: '请按指引撤离。',
    Prepare: '请做好准备。',
    Execute: '请按预案行动。',
    Assess: '请留意事态发展。',
  },
  en: {
    Avoid: 'Keep away from the affected area of this grid and follow the instructions of the responders on site.',
    Monitor: 'The work on site is done or continues under follow-up; watch for further notices.',
    AllClear: 'The incident has been dealt with and the case is closed; the area is back to normal.',
    None: 'The earlier messages about this incident are withdrawn (the case was voided); no action is needed.',
    Shelter: 'Take shelter nearby.',
    Evacuate: 'Evacuate as directed.',
    Prepare: 'Get ready.',
    Execute: 'Act as planned.',
    Assess: 'Watch how the situation develops.',
  },
};

/** Headline, description and instruction of a message, from category, place and state only. */
export function capTexts(locale: Locale, t: CapTextInput): CapTexts {
  const kind = t.msgType === 'Cancel' ? 'cancel' : t.state === 'closed' ? 'clear' : 'open';
  const state = CASE_STATE_LABELS[locale][t.state];
  const level = ESCALATION_LABELS[locale][t.escalation];
  const step = t.action ? ACTION_LABELS[locale][t.action] : null;
  if (locale === 'zh-CN') {
    return {
      headline: `【${TAG[locale][kind]}】${t.place} ${t.categoryName}（${state}）`,
      description:
        `${t.place}（网格编码 ${t.gridCode}）的特急事件：${t.majorName} / ${t.categoryName}，案件编号 ${t.caseCode}。` +
        `当前状态：${state}${step ? `（最新处置环节：${step}）` : '（新上报）'}；处置层级：${level}。`,
      instruction: INSTRUCTION[locale][t.responseType],
    };
  }
  return {
    headline: `[${TAG[locale][kind]}] ${t.categoryName}, ${t.place} (${state})`,
    description:
      `Emergency case ${t.caseCode} in ${t.place} (grid ${t.gridCode}): ${t.majorName} / ${t.categoryName}. ` +
      `State: ${state}${step ? ` (latest step: ${step})` : ' (newly reported)'}; handled at ${level.toLowerCase()} level.`,
    instruction: INSTRUCTION[locale][t.responseType],
  };
}
