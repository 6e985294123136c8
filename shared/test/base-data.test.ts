import { describe, expect, it } from 'vitest';
import { countsOf, layerCovers, mayReadBaseRecords, maySeeOfficerPhone, parseCsv, personalFieldsOf, readBaseCsv } from '../src/domain/index.ts';

const G = '370211001001001';
const H = 'grid_code,kind,name,address,detail,contact_name,contact_phone';

describe('who reads the records of a grid', () => {
  it.each([
    ['admin', [], true],
    ['dispatcher', [], true],
    ['worker', [G], true],
    ['worker', ['370211001001002'], false],
    ['leader', [G], false],
    ['wall', [], false],
    ['handler', [], false],
    ['public', [], false],
  ] as const)('%s with grids %j → %s', (role, gridCodes, yes) => expect(mayReadBaseRecords({ role, gridCodes }, G)).toBe(yes));
});

describe("who sees an officer's phone", () => {
  it.each([
    ['admin', null, 'RSJ', true],
    ['dispatcher', null, null, true],
    ['handler', 'RSJ', 'RSJ', true],
    ['handler', 'CGJ', 'RSJ', false],
    ['handler', null, null, false],
    ['leader', null, 'RSJ', false],
    ['worker', null, 'RSJ', false],
  ] as const)('%s of %s on a case of %s → %s', (role, departmentCode, caseDept, yes) =>
    expect(maySeeOfficerPhone({ role, departmentCode }, caseDept)).toBe(yes));
});

describe('which layer covers a category', () => {
  const patrol = { majors: ['10'], categoryCodes: ['02001'] };
  it.each([
    ['10002', true],
    ['02001', true],
    ['02002', false],
    ['01001', false],
  ])('%s → %s', (code, yes) => expect(layerCovers(patrol, code)).toBe(yes));
  it('logs the name as personal for persons only', () => {
    expect(personalFieldsOf('care_person')).toEqual(['name', 'contactName', 'contactPhone']);
    expect(personalFieldsOf('shop')).toEqual(['contactName', 'contactPhone']);
  });
});

describe('parseCsv', () => {
  it.each([
    ['a,b\n1,2', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['a,b\r\n1,2\r\n', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['\uFEFFa\n\n\nb', [[1, ['a']], [4, ['b']]]],
    ['"x,y","say ""hi"""', [[1, ['x,y', 'say "hi"']]]],
    ['"two\nlines",z\nnext', [[1, ['two\nlines', 'z']], [3, ['next']]]],
    ['a,,', [[1, ['a', '', '']]]],
    ['""', [[1, ['']]]],
  ] as const)('%j', (text, want) => {
    const r = parseCsv(text);
    expect(r.unterminatedAt).toBeNull();
    expect(r.records.map((x) => [x.line, x.cells])).toEqual(want);
  });
  it('names the line of an open quote', () => expect(parseCsv('a\nb,"open\nmore').unterminatedAt).toBe(2));
});

describe('readBaseCsv', () => {
  const file = (...rows: string[]) => [H, ...rows].join('\n');

  it('reads good rows (trimmed, phone separators dropped, empty contacts null)', () => {
    const r = readBaseCsv(file(`${G},shop, 书店 ,路1号,,李四,139 0000-0000`, `${G},key_person,赵六,,,,`));
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([
      { line: 2, gridCode: G, kind: 'shop', name: '书店', address: '路1号', detail: '', contactName: '李四', contactPhone: '13900000000' },
      { line: 3, gridCode: G, kind: 'key_person', name: '赵六', address: '', detail: '', contactName: null, contactPhone: null },
    ]);
  });

  it('columns may come in any order; optional ones may be left out', () => {
    const r = readBaseCsv('name,kind,grid_code\n厂,enterprise,' + G);
    expect(r.rows.map((x) => [x.name, x.kind, x.gridCode, x.address])).toEqual([['厂', 'enterprise', G, '']]);
  });

  it.each([
    ['', [[1, null, 'empty file: a header line is required']]],
    [H, [[1, null, 'no rows after the header']]],
    ['grid_code,kind\n1,2', [[1, 'name', 'column "name" is missing']]],
    ['grid_code,kind,name,colour\n', [[1, 'colour', 'unknown column "colour"']]],
    ['grid_code,kind,name,name\n', [[1, 'name', 'column "name" given twice']]],
  ] as const)('refuses the header of %j', (text, want) => {
    expect(readBaseCsv(text).problems.map((p) => [p.line, p.column, p.problem])).toEqual(want);
  });

  it.each([
    [`123,shop,x,,,,`, 'grid_code'],
    [`${G},castle,x,,,,`, 'kind'],
    [`${G},shop,  ,,,,`, 'name'],
    [`${G},shop,x,,,,12345`, 'contact_phone'],
    [`${G},shop,${'长'.repeat(101)},,,,`, 'name'],
    [`${G},shop,x,,${'d'.repeat(501)},,`, 'detail'],
    [`${G},shop,x\u0007,,,,`, 'name'],
    [`${G},shop,x,,,`, null],
  ])('refuses the row %j (column %s) and keeps no row', (row, column) => {
    const r = readBaseCsv(file(`${G},shop,good,,,,`, row));
    expect(r.rows).toEqual([]);
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([[3, column]]);
  });

  it('lists every bad line, by the line it starts on', () => {
    const r = readBaseCsv(file(`${G},shop,"two\nlines",,,,`, `bad,shop,x,,,,`, `${G},nope,x,,,,`));
    expect(r.problems.map((p) => p.line)).toEqual([4, 5]);
  });

  it('counts per (grid, kind)', () => {
    const r = readBaseCsv(file(`${G},shop,a,,,,`, `${G},shop,b,,,,`, `${G},care_person,c,,,,`));
    expect(countsOf(r.rows)).toEqual([
      { gridCode: G, kind: 'care_person', n: 1 },
      { gridCode: G, kind: 'shop', n: 2 },
    ]);
  });
});
