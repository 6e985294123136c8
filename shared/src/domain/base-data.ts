/**
 * Base data per grid (人、地、事、物、组织) and the specialist layers: the rules that need no database.
 * - which roles read the records of a grid (counts are for every role that may see the grid);
 * - reading a CSV file of records (RFC 4180: quotes, doubled quotes, CRLF or LF, a BOM) and checking each row,
 *   with the line each row starts on, so that an import is refused with every bad line named.
 * Table tests: shared/test/base-data.test.ts. Server: server/src/modules/specialist (docs/specialist.md).
 */

export const BASE_KINDS = ['enterprise', 'shop', 'rented_home', 'care_person', 'key_person'] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

/** Kinds whose record names a person (the name itself is personal data). */
export const PERSON_KINDS: readonly BaseKind[] = ['care_person', 'key_person'];

export const SPECIALIST_LAYER_CODES = ['labour', 'food', 'patrol'] as const;
export type SpecialistLayerCode = (typeof SPECIALIST_LAYER_CODES)[number];

export function isBaseKind(s: string): s is BaseKind {
  return (BASE_KINDS as readonly string[]).includes(s);
}

/** The personal fields a record read shows, as logged in personal_data_access. */
export function personalFieldsOf(kind: BaseKind): string[] {
  return PERSON_KINDS.includes(kind) ? ['name', 'contactName', 'contactPhone'] : ['contactName', 'contactPhone'];
}

export interface BaseReader {
  role: string;
  gridCodes: readonly string[];
}

/** Records of a grid: admin and dispatcher for every grid, a worker for their own grids; nobody else. */
export function mayReadBaseRecords(user: BaseReader, gridCode: string): boolean {
  if (user.role === 'admin' || user.role === 'dispatcher') return true;
  return user.role === 'worker' && user.gridCodes.includes(gridCode);
}

/** The phone of a specialist officer: the roles that see the reporter's data of the case. */
export function maySeeOfficerPhone(user: { role: string; departmentCode: string | null }, caseDepartment: string | null): boolean {
  if (user.role === 'admin' || user.role === 'dispatcher') return true;
  return user.role === 'handler' && user.departmentCode !== null && user.departmentCode === caseDepartment;
}

/** Whether a case category falls in a layer (by its major, the first two digits, or by its code). */
export function layerCovers(layer: { majors: readonly string[]; categoryCodes: readonly string[] }, categoryCode: string): boolean {
  return layer.majors.includes(categoryCode.slice(0, 2)) || layer.categoryCodes.includes(categoryCode);
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

export interface CsvRecord {
  /** the 1-based line the record starts on */
  line: number;
  cells: string[];
}

export interface CsvParse {
  records: CsvRecord[];
  /** a quote left open: the line it opened on */
  unterminatedAt: number | null;
}

/** Splits CSV text into records (blank lines are skipped). */
export function parseCsv(text: string): CsvParse {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let quoteLine = 0;
  let any = false;
  const endRecord = (): void => {
    cells.push(cell);
    if (any || cells.length > 1 || cell !== '') records.push({ line: start, cells });
    cells = [];
    cell = '';
    any = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      quoteLine = line;
      any = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      any = true;
    } else if (ch === '\r' && src[i + 1] === '\n') {
      // the \n ends the record
    } else if (ch === '\n') {
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) return { records, unterminatedAt: quoteLine };
  endRecord();
  return { records, unterminatedAt: null };
}

export const BASE_CSV_COLUMNS = ['grid_code', 'kind', 'name', 'address', 'detail', 'contact_name', 'contact_phone'] as const;
const REQUIRED_COLUMNS = ['grid_code', 'kind', 'name'] as const;
/** The most rows one file may carry. */
export const BASE_IMPORT_MAX_ROWS = 200_000;

const LIMITS = { name: 100, address: 200, detail: 500, contact_name: 50 } as const;

export interface BaseRow {
  line: number;
  gridCode: string;
  kind: BaseKind;
  name: string;
  address: string;
  detail: string;
  contactName: string | null;
  contactPhone: string | null;
}

export interface RowProblem {
  line: number;
  column: string | null;
  problem: string;
}

export interface BaseCsvResult {
  rows: BaseRow[];
  problems: RowProblem[];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Reads and checks a whole file: every row valid, or the problems by line (the rows are then not to be written). */
export function readBaseCsv(text: string): BaseCsvResult {
  const { records, unterminatedAt } = parseCsv(text);
  const problems: RowProblem[] = [];
  if (unterminatedAt !== null) return { rows: [], problems: [{ line: unterminatedAt, column: null, problem: 'unterminated quote' }] };
  const header = records[0];
  if (!header) return { rows: [], problems: [{ line: 1, column: null, problem: 'empty file: a header line is required' }] };
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!(BASE_CSV_COLUMNS as readonly string[]).includes(n)) problems.push({ line: header.line, column: n, problem: `unknown column "${n}"` });
    else if (index.has(n)) problems.push({ line: header.line, column: n, problem: `column "${n}" given twice` });
    else index.set(n, i);
  });
  for (const c of REQUIRED_COLUMNS) if (!index.has(c)) problems.push({ line: header.line, column: c, problem: `column "${c}" is missing` });
  if (problems.length > 0) return { rows: [], problems };
  const body = records.slice(1);
  if (body.length === 0) return { rows: [], problems: [{ line: header.line, column: null, problem: 'no rows after the header' }] };
  if (body.length > BASE_IMPORT_MAX_ROWS) {
    return { rows: [], problems: [{ line: header.line, column: null, problem: `at most ${BASE_IMPORT_MAX_ROWS} rows per file (got ${body.length})` }] };
  }
  const rows: BaseRow[] = [];
  for (const r of body) {
    const cell = (c: string): string => {
      const i = index.get(c);
      return i === undefined ? '' : (r.cells[i] ?? '').trim();
    };
    const before = problems.length;
    const bad = (column: string, problem: string): void => {
      problems.push({ line: r.line, column, problem });
    };
    if (r.cells.length !== names.length) problems.push({ line: r.line, column: null, problem: `${r.cells.length} cells, the header has ${names.length}` });
    const gridCode = cell('grid_code');
    if (!/^[0-9]{15}$/.test(gridCode)) bad('grid_code', 'must be a grid code of 15 digits');
    const kind = cell('kind');
    if (!isBaseKind(kind)) bad('kind', `must be one of ${BASE_KINDS.join(', ')}`);
    const name = cell('name');
    if (name === '') bad('name', 'is required');
    for (const [c, max] of Object.entries(LIMITS)) {
      const v = cell(c);
      if (v.length > max) bad(c, `at most ${max} characters`);
      if (CONTROL.test(v)) bad(c, 'holds control characters');
    }
    const phone = cell('contact_phone').replace(/[ -]/g, '');
    if (phone !== '' && !/^1[0-9]{10}$/.test(phone)) bad('contact_phone', 'must be a mobile number of 11 digits starting with 1');
    if (problems.length > before) continue;
    rows.push({
      line: r.line,
      gridCode,
      kind: kind as BaseKind,
      name,
      address: cell('address'),
      detail: cell('detail'),
      contactName: cell('contact_name') || null,
      contactPhone: phone || null,
    });
  }
  return { rows: problems.length > 0 ? [] : rows, problems };
}

/** The (grid, kind) pairs of the rows with their number: the counts an import sets. */
export function countsOf(rows: readonly Pick<BaseRow, 'gridCode' | 'kind'>[]): { gridCode: string; kind: BaseKind; n: number }[] {
  const m = new Map<string, { gridCode: string; kind: BaseKind; n: number }>();
  for (const r of rows) {
    const k = `${r.gridCode}|${r.kind}`;
    const e = m.get(k);
    if (e) e.n++;
    else m.set(k, { gridCode: r.gridCode, kind: r.kind, n: 1 });
  }
  return [...m.values()].sort((a, b) => a.gridCode.localeCompare(b.gridCode) || a.kind.localeCompare(b.kind));
}
