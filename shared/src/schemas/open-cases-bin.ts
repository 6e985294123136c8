/**
 * The binary snapshot of the open cases (GET /api/map/open-cases.bin, docs/map-data.md): the same cases and facts
 * as GET /api/map/open-cases less the free text, as little-endian columns a map hands to the GPU without
 * building an object per case. Encoded by the server, decoded by the wall and the benchmark with the same code.
 *
 * Layout (all little-endian):
 *   header, 32 bytes: magic "GCOC" (u32), format version (u16), header size (u16), count (u32),
 *     dictionary size in bytes (u32), lastEventId (f64), columns offset (u32), reserved (u32)
 *   dictionary: UTF-8 JSON {@link OpenCasesDictionary} (the ordered code lists, the grids with their parents,
 *     categories, departments, and code + title of the emergencies), zero-padded to 8 bytes
 *   columns, `count` values each, in {@link COLUMN_ORDER}, each starting on its own element size
 */
import { CASE_SOURCES, CASE_STATES, ESCALATION_LEVELS } from '../domain/case-state.ts';
import { LIGHTS } from '../domain/lights.ts';
import { PRIORITIES } from '../domain/sla.ts';
import type { CaseFacts } from './events.ts';

export const OPEN_CASES_BIN_MAGIC = 0x434f4347; // "GCOC" read as a little-endian u32
export const OPEN_CASES_BIN_VERSION = 1;
export const OPEN_CASES_BIN_TYPE = 'application/vnd.gridcommand.open-cases';
const HEADER_BYTES = 32;
/** coordinates travel as integer micro-degrees: the JSON route's 6 decimals, exactly */
export const COORD_SCALE = 1e6;

export interface OpenCasesDictionary {
  states: readonly string[];
  lights: readonly string[];
  priorities: readonly string[];
  sources: readonly string[];
  escalation: readonly string[];
  /** [grid, community, zone, street] codes; the `grid` column indexes this list */
  grids: [string, string, string, string][];
  categories: string[];
  departments: string[];
  /** case id → [code, title], for the emergencies only (the wall names them); other text via GET /api/cases/:id */
  text: Record<string, [string, string]>;
}

/** The columns, in wire order: the 8-byte ones first, then 4, 2 and 1 so that each is aligned. */
export const COLUMN_ORDER = [
  ['reportedAt', Float64Array], // epoch ms
  ['resolveBy', Float64Array], // epoch ms
  ['id', Uint32Array],
  ['version', Uint32Array],
  ['lon', Int32Array], // micro-degrees
  ['lat', Int32Array], // micro-degrees
  ['teamId', Uint32Array], // 0: none
  ['grid', Uint32Array], // index into dictionary.grids
  ['category', Uint16Array], // index into dictionary.categories
  ['department', Uint16Array], // 0: none, else index + 1 into dictionary.departments
  ['status', Uint8Array], // index into dictionary.states (CASE_STATES)
  ['light', Uint8Array], // index into LIGHTS: the rank order
  ['priority', Uint8Array], // index into PRIORITIES
  ['source', Uint8Array], // index into CASE_SOURCES
  ['escalation', Uint8Array], // index into ESCALATION_LEVELS
  ['flags', Uint8Array], // bit 0: supervised
] as const;

type ColumnName = (typeof COLUMN_ORDER)[number][0];
type ColumnCtor = (typeof COLUMN_ORDER)[number][1];
export type OpenCaseColumns = { [K in ColumnName]: InstanceType<Extract<(typeof COLUMN_ORDER)[number], readonly [K, ColumnCtor]>[1]> };

export const FLAG_SUPERVISED = 1;

export interface DecodedOpenCases {
  lastEventId: number;
  count: number;
  dictionary: OpenCasesDictionary;
  columns: OpenCaseColumns;
}

const pad = (n: number, to: number) => (n + to - 1) - ((n + to - 1) % to);

function indexer<T extends string>(list: T[]): (v: T) => number {
  const at = new Map<T, number>();
  return (v) => {
    let i = at.get(v);
    if (i === undefined) {
      i = list.length;
      list.push(v);
      at.set(v, i);
    }
    return i;
  };
}

/**
 * One open case as the snapshot stores it, the codes of the closed lists already as their indexes — the shape the
 * server reads it in (one array per case from the database, no object, no dates, no free text but the emergencies').
 */
export type OpenCaseRow = readonly [
  id: number,
  version: number,
  lon: number,
  lat: number,
  teamId: number | null,
  /** epoch ms */
  reportedAt: number,
  /** epoch ms */
  resolveBy: number,
  /** index into CASE_STATES */
  status: number,
  /** index into LIGHTS */
  light: number,
  /** index into PRIORITIES */
  priority: number,
  /** index into CASE_SOURCES */
  source: number,
  /** index into ESCALATION_LEVELS */
  escalation: number,
  supervised: boolean,
  gridCode: string,
  communityCode: string,
  zoneCode: string,
  streetCode: string,
  categoryCode: string,
  departmentCode: string | null,
  /** the case's code and title: the emergencies' only (null for the others) */
  code: string | null,
  title: string | null,
];

/** The priority whose cases keep their code and title in the snapshot (the wall names them). */
export const OPEN_CASES_TEXT_PRIORITY = 'emergency' satisfies CaseFacts['priority'];

/** The row of one case's facts (what encodeOpenCases encodes). */
export function openCaseRowOf(c: CaseFacts): OpenCaseRow {
  const emergency = c.priority === OPEN_CASES_TEXT_PRIORITY;
  return [
    c.id,
    c.version,
    c.lon,
    c.lat,
    c.teamId,
    Date.parse(c.reportedAt),
    Date.parse(c.resolveBy),
    CASE_STATES.indexOf(c.status),
    LIGHTS.indexOf(c.light),
    PRIORITIES.indexOf(c.priority),
    CASE_SOURCES.indexOf(c.source),
    ESCALATION_LEVELS.indexOf(c.escalationLevel),
    c.supervised,
    c.gridCode,
    c.communityCode,
    c.zoneCode,
    c.streetCode,
    c.categoryCode,
    c.departmentCode,
    emergency ? c.code : null,
    emergency ? c.title : null,
  ];
}

/** Encodes open cases (as GET /api/map/open-cases lists them) into the binary snapshot. */
export function encodeOpenCases(items: readonly CaseFacts[], lastEventId: number): Uint8Array {
  return encodeOpenCaseRows(items.map(openCaseRowOf), lastEventId);
}

/** Encodes open cases read as rows (OpenCaseRow) into the binary snapshot. */
export function encodeOpenCaseRows(rows: readonly OpenCaseRow[], lastEventId: number): Uint8Array {
  const n = rows.length;
  const dict: OpenCasesDictionary = {
    states: CASE_STATES,
    lights: LIGHTS,
    priorities: PRIORITIES,
    sources: CASE_SOURCES,
    escalation: ESCALATION_LEVELS,
    grids: [],
    categories: [],
    departments: [],
    text: {},
  };
  const gridKeys: string[] = [];
  const gridOf = indexer(gridKeys);
  const categoryOf = indexer(dict.categories);
  const departmentOf = indexer(dict.departments);
  const cols = allocate(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    cols.id[i] = r[0];
    cols.version[i] = r[1];
    cols.lon[i] = Math.round(r[2] * COORD_SCALE);
    cols.lat[i] = Math.round(r[3] * COORD_SCALE);
    cols.teamId[i] = r[4] ?? 0;
    cols.reportedAt[i] = r[5];
    cols.resolveBy[i] = r[6];
    cols.status[i] = r[7];
    cols.light[i] = r[8];
    cols.priority[i] = r[9];
    cols.source[i] = r[10];
    cols.escalation[i] = r[11];
    cols.flags[i] = r[12] ? FLAG_SUPERVISED : 0;
    const g = gridOf(r[13]);
    if (g === dict.grids.length) dict.grids.push([r[13], r[14], r[15], r[16]]);
    cols.grid[i] = g;
    cols.category[i] = categoryOf(r[17]);
    cols.department[i] = r[18] === null ? 0 : departmentOf(r[18]) + 1;
    if (r[19] !== null) dict.text[String(r[0])] = [r[19], r[20] ?? ''];
  }
  const dictBytes = new TextEncoder().encode(JSON.stringify(dict));
  const columnsOffset = pad(HEADER_BYTES + dictBytes.length, 8);
  let size = columnsOffset;
  for (const [name] of COLUMN_ORDER) size += cols[name].byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, OPEN_CASES_BIN_MAGIC, true);
  view.setUint16(4, OPEN_CASES_BIN_VERSION, true);
  view.setUint16(6, HEADER_BYTES, true);
  view.setUint32(8, n, true);
  view.setUint32(12, dictBytes.length, true);
  view.setFloat64(16, lastEventId, true);
  view.setUint32(24, columnsOffset, true);
  out.set(dictBytes, HEADER_BYTES);
  let at = columnsOffset;
  for (const [name] of COLUMN_ORDER) {
    // typed arrays are little-endian on every platform a browser or Node runs on
    out.set(new Uint8Array(cols[name].buffer, cols[name].byteOffset, cols[name].byteLength), at);
    at += cols[name].byteLength;
  }
  return out;
}

function allocate(n: number): OpenCaseColumns {
  const out: Record<string, unknown> = {};
  for (const [name, Ctor] of COLUMN_ORDER) out[name] = new Ctor(n);
  return out as OpenCaseColumns;
}

export class OpenCasesFormatError extends Error {
  override readonly name = 'OpenCasesFormatError';
}

/**
 * Decodes a binary snapshot: the columns are views on `bytes` (no copy) when its offset is 8-aligned, copies
 * otherwise.
 */
export function decodeOpenCases(bytes: ArrayBuffer | Uint8Array): DecodedOpenCases {
  let u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteOffset % 8 !== 0) u8 = u8.slice();
  if (u8.byteLength < HEADER_BYTES) throw new OpenCasesFormatError('open cases: truncated header');
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (view.getUint32(0, true) !== OPEN_CASES_BIN_MAGIC) throw new OpenCasesFormatError('open cases: not a GCOC snapshot');
  const version = view.getUint16(4, true);
  if (version !== OPEN_CASES_BIN_VERSION) throw new OpenCasesFormatError(`open cases: format version ${version} unknown`);
  const headerBytes = view.getUint16(6, true);
  const count = view.getUint32(8, true);
  const dictLength = view.getUint32(12, true);
  const lastEventId = view.getFloat64(16, true);
  const columnsOffset = view.getUint32(24, true);
  const dictionary = JSON.parse(new TextDecoder().decode(u8.subarray(headerBytes, headerBytes + dictLength))) as OpenCasesDictionary;
  const out: Record<string, unknown> = {};
  let at = u8.byteOffset + columnsOffset;
  for (const [name, Ctor] of COLUMN_ORDER) {
    const bytesLen = count * Ctor.BYTES_PER_ELEMENT;
    if (at + bytesLen > u8.byteOffset + u8.byteLength) throw new OpenCasesFormatError('open cases: truncated columns');
    out[name] = new Ctor(u8.buffer as ArrayBuffer, at, count);
    at += bytesLen;
  }
  return { lastEventId, count, dictionary, columns: out as OpenCaseColumns };
}

/**
 * Row `i` as the facts the case events carry. The text the snapshot leaves out is '' (the emergencies keep
 * theirs); a later event of the case brings it.
 */
export function openCaseFactsAt(d: DecodedOpenCases, i: number): CaseFacts {
  const c = d.columns;
  const dict = d.dictionary;
  const [gridCode, communityCode, zoneCode, streetCode] = dict.grids[c.grid[i]!]!;
  const id = c.id[i]!;
  const text = dict.text[String(id)];
  const dep = c.department[i]!;
  return {
    id,
    code: text?.[0] ?? '',
    status: dict.states[c.status[i]!] as CaseFacts['status'],
    light: dict.lights[c.light[i]!] as CaseFacts['light'],
    priority: dict.priorities[c.priority[i]!] as CaseFacts['priority'],
    source: dict.sources[c.source[i]!] as CaseFacts['source'],
    categoryCode: dict.categories[c.category[i]!]!,
    gridCode,
    communityCode,
    zoneCode,
    streetCode,
    lon: c.lon[i]! / COORD_SCALE,
    lat: c.lat[i]! / COORD_SCALE,
    title: text?.[1] ?? '',
    reportedAt: new Date(c.reportedAt[i]!).toISOString(),
    resolveBy: new Date(c.resolveBy[i]!).toISOString(),
    teamId: c.teamId[i]! === 0 ? null : c.teamId[i]!,
    departmentCode: dep === 0 ? null : dict.departments[dep - 1]!,
    escalationLevel: dict.escalation[c.escalation[i]!] as CaseFacts['escalationLevel'],
    supervised: (c.flags[i]! & FLAG_SUPERVISED) !== 0,
    version: c.version[i]!,
  };
}

/** Every row as facts (what the wall's board holds). */
export function openCaseFacts(d: DecodedOpenCases): CaseFacts[] {
  const out: CaseFacts[] = [];
  for (let i = 0; i < d.count; i++) out.push(openCaseFactsAt(d, i));
  return out;
}
