/**
 * The demo history as COPY text (history.ts loads it): instants, escaped text, the case rows, the supervision
 * records, and the events written straight into buffers; and the COPY pipes themselves.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DAY_MS, escalationIndex } from '@gridcommand/shared/domain';
import type { PlannedCase } from './history-plan.ts';
import { payloadOf, type HistoryEvent, type HistorySupervision, type WalkCase } from './history-walk.ts';

const NULL = '\\N';

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let isoDay = NaN;
let isoDayPrefix = '';

/** An instant as ISO 8601 (UTC) for COPY; the date part is cached, as consecutive instants mostly share it. */
function ts(d: Date | number | null | undefined): string {
  if (d === null || d === undefined) return NULL;
  const ms = typeof d === 'number' ? Math.floor(d) : d.getTime();
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY_MS;
  const milli = r % 1000;
  r = (r - milli) / 1000;
  const sec = r % 60;
  r = (r - sec) / 60;
  const min = r % 60;
  const hour = (r - min) / 60;
  return `${isoDayPrefix}${PAD2[hour]}:${PAD2[min]}:${PAD2[sec]}.${PAD3[milli]}Z`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** COPY text: backslash, tab and line breaks escaped (most values have none). */
function txt(s: string | null | undefined): string {
  if (s === null || s === undefined) return NULL;
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export async function copyRows(client: pg.PoolClient, sql: string, rows: Iterable<string>): Promise<void> {
  function* chunks() {
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
  await copyChunks(client, sql, chunks());
}

export async function copyChunks(client: pg.PoolClient, sql: string, chunks: Iterable<string | Buffer>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

const CHUNK = 1 << 18;

/**
 * COPY text written straight into buffers, for the events: most of an event's bytes are its case's fixed facts,
 * encoded once per case and copied for each event; the rest is mostly ASCII, copied as it is.
 */
class CopyWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private len = 0;

  get full(): boolean {
    return this.len > CHUNK - (CHUNK >> 3);
  }

  /** Text with nothing but ASCII in it. */
  ascii(s: string): void {
    this.room(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  utf8(s: string): void {
    this.room(3 * s.length);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.len += b.copy(this.buf, this.len);
  }

  take(): Buffer {
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.len = 0;
    return out;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

export const CASE_COLUMNS = [
  'id', 'code', 'source', 'category_code', 'priority', 'title', 'description', 'address', 'location',
  'grid_code', 'community_code', 'zone_code', 'street_code', 'reporter_name', 'reporter_phone',
  'department_code', 'team_id', 'status', 'status_before_park', 'escalation_level', 'duplicate_of', 'void_reason',
  'park_reason', 'park_review_date', 'rework_count', 'reported_at', 'filed_at', 'dispatched_at', 'accepted_at',
  'handled_at', 'verified_at', 'closed_at', 'voided_at', 'respond_by', 'respond_warn_at', 'respond_red_at',
  'resolve_by', 'resolve_warn_at', 'resolve_red_at', 'light', 'next_light_at', 'supervised', 'version', 'updated_at',
  'sign_by', 'return_count', 'return_reason', 'returned_by',
];

export function caseLine(c: PlannedCase): string {
  const r = c.record;
  const s = r.stamps;
  const k = c.clocks;
  return (
    [
      c.id, c.code, c.source, c.category.code, c.priority, txt(c.title), txt(c.description), txt(c.address), c.walk.point,
      c.grid.code, c.grid.community_code, c.grid.zone_code, c.grid.street_code, txt(c.reporterName), txt(c.reporterPhone),
      txt(r.departmentCode), r.teamId ?? NULL, r.status, r.parkedFrom ?? NULL, escalationIndex(r.escalationLevel),
      r.duplicateOf ?? NULL, txt(r.voidReason), txt(r.parkReason), r.parkReviewDate ?? NULL, r.reworkCount,
      ts(c.reportedAt), ts(s.filedAt), ts(s.dispatchedAt), ts(s.respondedAt), ts(s.handledAt), ts(s.verifiedAt),
      ts(s.closedAt), ts(s.voidedAt), ts(k.respondBy), ts(k.respondWarnAt), ts(k.respondRedAt), ts(k.resolveBy),
      ts(k.resolveWarnAt), ts(k.resolveRedAt), r.light, ts(r.nextLightAt), r.supervised ? 't' : 'f', r.version, ts(r.updatedAt),
      ts(r.signBy), r.returnCount, txt(r.returnReason), txt(r.returnedBy),
    ].join('\t') + '\n'
  );
}

export function* supervisionLines(records: Iterable<HistorySupervision>): Generator<string> {
  for (const s of records) {
    yield [s.id, s.caseId, s.noticeNo, s.level, txt(s.reason), ts(s.openedAt), ts(s.closedAt), txt(s.closeNote)].join('\t') + '\n';
  }
}

/** A case's fixed facts as COPY bytes: encoded once, for all its events. */
const prefixBytes = new WeakMap<WalkCase, Buffer>();

function writeEvent(w: CopyWriter, e: HistoryEvent): void {
  const c = e.case;
  w.ascii(`${ts(e.at)}\t${e.type}\t${c.id}\t${c.streetCode}\t${e.role}\t${e.from ?? NULL}\t${e.to ?? NULL}\t`);
  w.utf8(txt(e.note));
  w.ascii(`\t${c.point}\t${c.gridCode}\t${c.departmentCode}\t`);
  if (e.supervision) {
    w.utf8(`${txt(payloadOf(e))}\n`);
    return;
  }
  let prefix = prefixBytes.get(c);
  if (!prefix) prefixBytes.set(c, (prefix = Buffer.from(txt(c.factsPrefix), 'utf8')));
  // escaping composes piece by piece; heads hold nothing to escape
  w.ascii(e.head);
  w.bytes(prefix);
  w.utf8(`${txt(e.facts)}${txt(e.tail)}\n`);
}

export function* eventChunks(events: Iterable<HistoryEvent>): Generator<Buffer> {
  const w = new CopyWriter();
  for (const e of events) {
    writeEvent(w, e);
    if (w.full) yield w.take();
  }
  yield w.take();
}
