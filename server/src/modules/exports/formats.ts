/**
 * The file formats of the exports as writers fed a page of rows at a time: CSV (csv-stringify, a slice of rows at a
 * time: UTF-8 BOM, CRLF, RFC 4180 quoting, cells a spreadsheet would run as a formula prefixed with '), Excel (the streaming XlsxWriter)
 * and GeoJSON (a FeatureCollection written feature by feature). Each `write` resolves when the body can take more
 * and rejects when it was closed (the client left).
 */
import { PassThrough, type Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import { room } from './zip.ts';
import { XlsxWriter } from './xlsx.ts';
import { valuesOf, widthsOf, type Column } from './columns.ts';
import type { CaseRow } from '../cases/repository.ts';

export interface FileWriter<R> {
  /** what the reply sends */
  readonly body: Readable;
  readonly contentType: string;
  readonly ext: string;
  write(rows: R[]): Promise<void>;
  end(): Promise<void>;
}

/** rows turned into text between two turns of the event loop */
const SLICE_ROWS = 50;

async function inSlices<R>(rows: R[], fn: (slice: R[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < rows.length; i += SLICE_ROWS) {
    if (i > 0) await nextTurn();
    await fn(rows.slice(i, i + SLICE_ROWS));
  }
}

export function csvWriter(columns: Column[]): FileWriter<CaseRow> {
  const out = new PassThrough();
  const options = { columns: columns.map((c) => c.header), record_delimiter: 'windows' as const, escape_formulas: true };
  // the BOM and the header row come with the first slice (or alone at the end of an empty file)
  let first = true;
  const text = (records: (string | number)[][]) => {
    const t = stringify(records, { ...options, bom: first, header: first });
    first = false;
    return t;
  };
  return {
    body: out,
    contentType: 'text/csv; charset=utf-8',
    ext: 'csv',
    // a slice is one string and one write: no per-row chunks through the response
    write: (rows) =>
      inSlices(rows, async (slice) => {
        await room(out);
        out.write(text(slice.map((r) => valuesOf(columns, r))));
      }),
    end: async () => {
      await room(out);
      out.end(first ? text([]) : undefined);
    },
  };
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function xlsxWriter(sheetName: string, columns: Column[]): FileWriter<CaseRow> {
  const out = new PassThrough();
  const xlsx = new XlsxWriter(out, sheetName, widthsOf(columns));
  let started: Promise<void> | null = null;
  const start = () => (started ??= xlsx.start());
  return {
    body: out,
    contentType: XLSX_TYPE,
    ext: 'xlsx',
    write: async (rows) => {
      await start();
      await inSlices(rows, (slice) => xlsx.rows(slice.map((r) => valuesOf(columns, r))));
    },
    end: async () => {
      await start();
      await xlsx.end();
    },
  };
}

/** A FeatureCollection; `feature` gives one Feature as JSON text. */
export function geojsonWriter<R>(feature: (r: R) => string): FileWriter<R> {
  const out = new PassThrough();
  let first = true;
  return {
    body: out,
    contentType: 'application/geo+json; charset=utf-8',
    ext: 'geojson',
    write: (rows) =>
      inSlices(rows, async (slice) => {
        const text = slice.map((r) => feature(r)).join(',');
        await room(out);
        out.write(first ? `{"type":"FeatureCollection","features":[${text}` : `,${text}`);
        first = false;
      }),
    end: async () => {
      await room(out);
      out.end(first ? '{"type":"FeatureCollection","features":[]}' : ']}');
    },
  };
}
