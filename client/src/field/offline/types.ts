/** What waits in the outbox: each write the worker made, with its own Idempotency-Key, in the order made. */
import type { CaseCreateBody, FieldPosition, TrackPoint, VisitBody } from '@gridcommand/shared/schemas';

/** A patrol by its server id, or by the local id of a start still waiting in the outbox. */
export type PatrolRef = { id: number } | { local: string };

/** Photos are named by their local ids (see StoredPhoto); they are uploaded first, then the write that names them. */
export type OutboxPayload =
  | {
      kind: 'report';
      body: Omit<CaseCreateBody, 'photos' | 'fixedOnSpot'>;
      photos: string[];
      /** 举手之劳: after photos and a note */
      fixedOnSpot?: { afterPhotos: string[]; note?: string };
    }
  | { kind: 'attach'; caseId: number; caseCode: string; photos: string[] }
  | {
      kind: 'verify';
      caseId: number;
      caseCode: string;
      version: number;
      action: 'verify_pass' | 'verify_fail';
      reason?: string;
      position: FieldPosition | null;
      photos: string[];
    }
  | { kind: 'checkin'; lon: number; lat: number; accuracyM?: number; at: string; place: string; note?: string; photos: string[] }
  | { kind: 'visit'; body: VisitBody }
  | { kind: 'patrol_start'; local: string; position?: FieldPosition }
  | { kind: 'patrol_points'; patrol: PatrolRef; points: TrackPoint[] }
  | { kind: 'patrol_stop'; patrol: PatrolRef; position?: FieldPosition };

export type OutboxKind = OutboxPayload['kind'];

export interface OutboxError {
  message: string;
  /** HTTP status; 0: no connection */
  status: number;
  code?: string | undefined;
  at: number;
}

export interface OutboxEntry {
  /** order of making (IndexedDB auto-increment) */
  seq?: number;
  /** Idempotency-Key of the write: a retry with it returns the first answer and writes nothing */
  key: string;
  /** the worker who made it: sent only while that worker is signed in */
  userId: number;
  createdAt: number;
  /** pending: will be sent; failed: the server refused it (4xx), kept and shown until the worker drops it */
  status: 'pending' | 'failed';
  attempts: number;
  lastError: OutboxError | null;
  /** one line for the list ("上报：道路破损") */
  summary: string;
  payload: OutboxPayload;
}
