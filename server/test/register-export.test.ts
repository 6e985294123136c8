/**
 * The close-out register's exports (GET /api/register.csv, /api/register.xlsx) on a seeded history: every row
 * of the filter, in the register's order, across many pages; the shared labels and CST times; RFC 4180 quoting
 * and the formula guard; and an export the client leaves half-way gives its database connection back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASE_STATE_LABELS,
  ESCALATION_LABELS,
  LIGHT_LABELS,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  escalationLevelOf,
  formatCstDateTime,
  labelOf,
} from '@gridcommand/shared/domain';
import { REGISTER_COLUMNS } from '../src/modules/exports/columns.ts';
import { EXPORT_PAGE_ROWS } from '../src/modules/exports/stream.ts';
import { statsWorld, type StatsWorld } from './stats-helpers.ts';

let w: StatsWorld;

beforeAll(async () => {
  w = await statsWorld();
});
afterAll(async () => {
  await w?.close();
});

/** RFC 4180: CRLF between records, fields quoted when they hold a comma, a quote or a line break ("" inside). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  expect(record).toEqual([]);
  return records;
}

interface Row {
  code: string;
  status: string;
  source: string;
  priority: string;
  light: string;
  escalation_level: number;
  reported_at: Date;
  closed_at: Date | null;
}

/** The register's rows as the database orders them (newest report first). */
async function registerRows(where = 'true', params: unknown[] = []): Promise<Row[]> {
  const { rows } = await w.db.pool.query<Row>(
    `SELECT code, status, source, priority, light, escalation_level, reported_at, closed_at FROM cases c WHERE ${where}
     ORDER BY reported_at DESC, id DESC`,
    params,
  );
  return rows;
}

const col = (header: string) => REGISTER_COLUMNS.findIndex((c) => c.header === header);

describe('GET /api/register.csv', () => {
  it('streams every case of the register, in order, across pages, with the shared labels and CST times', async () => {
    const want = await registerRows();
    expect(want.length).toBeGreaterThan(EXPORT_PAGE_ROWS * 2);
    const res = await w.get('/api/register.csv');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="register-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const records = parseCsv(res.body.slice(1));
    expect(records[0]).toEqual(REGISTER_COLUMNS.map((c) => c.header));
    const body = records.slice(1);
    expect(body.map((r) => r[0])).toEqual(want.map((r) => r.code));
    body.forEach((r, i) => {
      const c = want[i]!;
      expect(r).toHaveLength(REGISTER_COLUMNS.length);
      expect(r[col('状态')]).toBe(labelOf(CASE_STATE_LABELS, c.status));
      expect(r[col('来源')]).toBe(labelOf(SOURCE_LABELS, c.source));
      expect(r[col('紧急程度')]).toBe(labelOf(PRIORITY_LABELS, c.priority));
      expect(r[col('信号灯')]).toBe(labelOf(LIGHT_LABELS, c.light));
      expect(r[col('处置层级')]).toBe(labelOf(ESCALATION_LABELS, escalationLevelOf(c.escalation_level)));
      expect(r[col('上报时间')]).toBe(formatCstDateTime(c.reported_at));
      expect(r[col('结案时间')]).toBe(c.closed_at ? formatCstDateTime(c.closed_at) : '');
    });
    // 特急 on the wall, the desk and in the register alike
    expect(body.some((r) => r[col('紧急程度')] === '特急')).toBe(true);
    expect(res.body).not.toMatch(/1[3-9]\d{9}/);
  });

  it('quotes commas, quotes and line breaks, and guards cells a spreadsheet would run as a formula', async () => {
    const [c] = await registerRows();
    const title = '=HYPERLINK("http://example.invalid","点我"),\n第二行';
    await w.db.pool.query(`UPDATE cases SET title = $2, address = $3 WHERE code = $1`, [c!.code, title, '＠SUM(1)']);
    const res = await w.get(`/api/register.csv?q=${encodeURIComponent(c!.code)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`"'=HYPERLINK(""http://example.invalid"",""点我""),\n第二行"`);
    const records = parseCsv(res.body.slice(1));
    expect(records).toHaveLength(2);
    expect(records[1]![col('标题')]).toBe(`'${title}`);
    expect(records[1]![col('地址')]).toBe(`'＠SUM(1)`);
  });

  it('applies the filters, limit and offset of the register', async () => {
    const closed = await registerRows(`status = 'closed'`);
    const res = await w.get('/api/register.csv?status=closed&limit=5&offset=3');
    expect(res.statusCode).toBe(200);
    expect(parseCsv(res.body.slice(1)).slice(1).map((r) => r[0])).toEqual(closed.slice(3, 8).map((r) => r.code));
    const none = await w.get('/api/register.csv?q=no-such-case-anywhere');
    expect(none.body).toBe(`\uFEFF${REGISTER_COLUMNS.map((c) => c.header).join(',')}\r\n`);
  });

  it('gives its database connection back when the client leaves half-way', async () => {
    const address = await w.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = w.app.server.address() as AddressInfo;
    expect(address).toContain(String(port));
    const cookie = (await import('./cases-helpers.ts')).sessionCookie(
      await (await import('./cases-helpers.ts')).login(w.app, 'dispatcher'),
    );
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/register.csv', headers: { cookie } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          // stop reading after the first chunk and hang up
          res.pause();
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    const pool = w.db.pool;
    const deadline = Date.now() + 10_000;
    while (pool.totalCount - pool.idleCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(pool.totalCount - pool.idleCount, 'connections still checked out').toBe(0);
    // and the next export is whole
    const again = await w.get('/api/register.csv?status=void');
    expect(parseCsv(again.body.slice(1)).length - 1).toBe((await registerRows(`status = 'void'`)).length);
  });
});

describe('GET /api/register.xlsx', () => {
  it('streams a workbook with a bold, frozen header row and the same rows and labels', async () => {
    const closed = await registerRows(`status = 'closed'`);
    expect(closed.length).toBeGreaterThan(100);
    const res = await w.get('/api/register.xlsx?status=closed');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="register-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('销号台账')!;
    expect(ws).toBeDefined();
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(REGISTER_COLUMNS.map((c) => c.header));
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.rowCount).toBe(closed.length + 1);
    const codes: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) codes.push(String(row.getCell(1).value));
    });
    expect(codes).toEqual(closed.map((r) => r.code));
    expect(ws.getRow(2).getCell(col('状态') + 1).value).toBe('已结案');
    expect(ws.getRow(2).getCell(col('结案时间') + 1).value).toBe(formatCstDateTime(closed[0]!.closed_at!));
  });
});
