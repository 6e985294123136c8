/**
 * Runs one export: a slot from the limiter (or 503 + Retry-After when the queue is full), then one REPEATABLE READ
 * READ ONLY transaction that counts the rows, opens a cursor and fetches a page at a time, yielding to the event
 * loop between pages and waiting while the client reads slower than the database. Everything that can fail before
 * the first byte (a bad filter, too many rows, the database) is answered by the error handler; later failures end
 * the response. A client that leaves (queued or streaming) stops the export: the cursor and the transaction end,
 * the connection goes back to the pool and the slot passes on.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { cstDateKey } from '@gridcommand/shared/domain';
import { inTransaction } from '../../db/transaction.ts';
import { HttpError } from '../../plugins/errors.ts';
import type { Queryable } from '../cases/repository.ts';
import { closeCursor, fetchNext, type AreaFeatureRow } from './repository.ts';
import type { CaseRow } from '../cases/repository.ts';
import { ExportLeft, ExportQueueFull, type ExportLimiter } from './limiter.ts';
import type { FileWriter } from './formats.ts';
import { StreamClosed } from './zip.ts';

/** rows fetched from the cursor at a time (memory per export: about one page) */
export const EXPORT_PAGE_ROWS = 1_000;

export interface ExportSpec<R extends CaseRow | AreaFeatureRow> {
  /** file name before the date: `register` → register-2026-12-01.csv (CST date) */
  name: string;
  /** the most rows one file may hold; a filter holding more is refused (422 EXPORT_TOO_LARGE) */
  maxRows: number;
  /** counts the rows and opens the cursor, in the export's snapshot; returns how many rows the file will hold */
  open(db: Queryable): Promise<{ rows: number; matching: number }>;
  writer: FileWriter<R>;
}

export function exportFileName(name: string, ext: string, now = new Date()): string {
  return `${name}-${cstDateKey(now)}.${ext}`;
}

async function slot(limiter: ExportLimiter, signal: AbortSignal) {
  try {
    return await limiter.acquire(signal);
  } catch (err) {
    if (err instanceof ExportQueueFull) {
      throw new HttpError(503, 'EXPORT_BUSY', `the server is busy with exports (${err.running} running, ${err.queued} waiting); retry shortly`);
    }
    if (err instanceof ExportLeft) throw new HttpError(499, 'CLIENT_LEFT', err.message);
    throw err;
  }
}

export async function sendExport<R extends CaseRow | AreaFeatureRow>(
  app: FastifyInstance,
  limiter: ExportLimiter,
  reply: FastifyReply,
  spec: ExportSpec<R>,
): Promise<FastifyReply> {
  const { writer } = spec;
  const left = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) {
      left.abort();
      writer.body.destroy();
    }
  };
  res.once('close', onClose);
  const release = await slot(limiter, left.signal);

  const rows = await new Promise<number>((resolve, reject) => {
    let started = false;
    const run = inTransaction(
      app.pool,
      async (db) => {
        const { rows: n, matching } = await spec.open(db);
        if (matching > spec.maxRows) {
          throw new HttpError(422, 'EXPORT_TOO_LARGE', `the filter holds ${matching} rows, more than the ${spec.maxRows} one file may hold: narrow it (from/to, area, status)`);
        }
        let page = await fetchNext<R>(db, EXPORT_PAGE_ROWS);
        started = true;
        resolve(n);
        while (page.length > 0) {
          if (left.signal.aborted) throw new StreamClosed();
          await writer.write(page);
          if (page.length < EXPORT_PAGE_ROWS) break;
          // let health checks, tiles and the live stream in between two pages
          await nextTurn();
          if (left.signal.aborted) throw new StreamClosed();
          page = await fetchNext<R>(db, EXPORT_PAGE_ROWS);
        }
        await closeCursor(db);
        await writer.end();
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    run.then(
      () => release(),
      (err: unknown) => {
        release();
        const error = err instanceof Error ? err : new Error(String(err));
        if (!started) {
          writer.body.destroy();
          reject(error);
        } else if (error instanceof StreamClosed || left.signal.aborted) {
          writer.body.destroy();
          app.log.debug('an export ended early: its client left');
        } else {
          app.log.error({ err: error }, 'an export failed after its first bytes');
          writer.body.destroy(error);
        }
      },
    );
  });

  reply
    .header('Content-Type', writer.contentType)
    .header('Content-Disposition', `attachment; filename="${exportFileName(spec.name, writer.ext)}"`)
    .header('Cache-Control', 'no-store')
    .header('X-Export-Rows', String(rows));
  if (reply.request.method === 'HEAD') {
    // the headers only: stop the export instead of writing a file nobody reads
    left.abort();
    writer.body.destroy();
    return reply.send();
  }
  return reply.send(writer.body);
}
