/**
 * A measured value (accuracy in metres, speed, heading) as it is kept in a `real` column: to the hundredth, so that
 * values a `real` cannot hold (1e-248 underflows, PostgreSQL refuses it) become 0 instead of a database error.
 */
export function storedReal(x: number | null | undefined): number | null {
  if (x === null || x === undefined) return null;
  return Math.round(x * 100) / 100;
}
