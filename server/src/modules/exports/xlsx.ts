/**
 * A streaming Excel workbook (SpreadsheetML, one worksheet): the parts are written by hand as XML and packed by the
 * streaming ZIP writer, so rows leave as they are written and memory stays one page. The header row is bold and
 * frozen; strings are inline (no shared-string table to keep), numbers are numbers. exceljs' WorkbookWriter is not
 * used: in exceljs 4.4 it keeps the whole archive in memory and deflates it on the main thread at the end.
 */
import type { Writable } from 'node:stream';
import { ZipWriter, type ZipEntry } from './zip.ts';

/** Excel's rows per worksheet, header included */
export const XLSX_MAX_SHEET_ROWS = 1_048_576;

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF)
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_SPECIAL = /[&<>"]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '').replace(XML_SPECIAL, (ch) => ENTITIES[ch]!);
}

/** Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnName(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function cell(ref: string, v: string | number, style: string): string {
  if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"${style}><v>${v}</v></c>`;
  const text = xmlText(String(v));
  if (text === '') return '';
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${style} t="inlineStr"><is><t${space}>${text}</t></is></c>`;
}

const CONTENT_TYPES = `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`;

const ROOT_RELS = `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}">
<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`;

const WORKBOOK_RELS = `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}">
<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/>
</Relationships>`;

// style 0: the default; style 1: bold (the header row)
const STYLES = `${XML_DECL}<styleSheet xmlns="${NS}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`;

function coreProps(created: Date): string {
  return `${XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>GridCommand</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${created.toISOString().replace(/\.\d{3}Z$/, 'Z')}</dcterms:created></cp:coreProperties>`;
}

export interface XlsxColumn {
  header: string;
  width: number;
}

/** Writes one worksheet of rows to `out` as an .xlsx file. */
export class XlsxWriter {
  readonly #zip: ZipWriter;
  readonly #columns: string[];
  #sheet: ZipEntry | null = null;
  #row = 1;

  constructor(
    out: Writable,
    readonly sheetName: string,
    readonly columns: XlsxColumn[],
  ) {
    this.#zip = new ZipWriter(out);
    this.#columns = columns.map((_, i) => columnName(i));
  }

  /** The fixed parts and the header row. */
  async start(): Promise<void> {
    const zip = this.#zip;
    await zip.file('[Content_Types].xml', CONTENT_TYPES);
    await zip.file('_rels/.rels', ROOT_RELS);
    await zip.file('docProps/core.xml', coreProps(new Date()));
    await zip.file(
      'xl/workbook.xml',
      `${XML_DECL}<workbook xmlns="${NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${xmlText(this.sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    );
    await zip.file('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
    await zip.file('xl/styles.xml', STYLES);
    this.#sheet = zip.entry('xl/worksheets/sheet1.xml');
    const cols = this.columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`).join('');
    await this.#sheet.write(
      `${XML_DECL}<worksheet xmlns="${NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>`,
    );
    await this.rows([this.columns.map((c) => c.header)], ' s="1"');
  }

  /** Appends rows; resolves when the file can take more. */
  async rows(rows: (string | number)[][], style = ''): Promise<void> {
    if (!this.#sheet) throw new Error('start() first');
    if (this.#row - 1 + rows.length > XLSX_MAX_SHEET_ROWS) throw new Error(`a worksheet holds at most ${XLSX_MAX_SHEET_ROWS} rows`);
    const parts: string[] = [];
    for (const values of rows) {
      const r = this.#row++;
      parts.push(`<row r="${r}">`);
      values.forEach((v, i) => parts.push(cell(`${this.#columns[i]}${r}`, v, style)));
      parts.push('</row>');
    }
    await this.#sheet.write(parts.join(''));
  }

  /** Ends the worksheet and the archive. */
  async end(): Promise<void> {
    if (!this.#sheet) throw new Error('start() first');
    await this.#sheet.write('</sheetData></worksheet>');
    await this.#sheet.close();
    await this.#zip.finish();
  }
}
