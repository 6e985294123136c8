/**
 * Answers of the field routes that have no shape in shared/src/schemas/field.ts yet (server-side only until the
 * contract carries them).
 */
import { Type, type Static } from 'typebox';

/** POST /api/patrols/:id/points */
export const PatrolPointsResponse = Type.Object({
  /** points stored now */
  accepted: Type.Integer({ minimum: 0 }),
  /** points not newer than the last stored one (or the patrol's start), and repeats within the batch */
  stale: Type.Integer({ minimum: 0 }),
  /** the patrol's track length after this batch, metres */
  distanceM: Type.Number({ minimum: 0 }),
});
export type PatrolPointsResponse = Static<typeof PatrolPointsResponse>;
