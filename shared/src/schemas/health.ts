import { Type, type Static } from 'typebox';

export const HealthResponse = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  database: Type.Enum(['ok', 'unavailable']),
  /** PostGIS version, e.g. "3.3.2"; null when the database cannot be reached */
  postgis: Type.Union([Type.String(), Type.Null()]),
  migrations: Type.Union([
    Type.Object({
      applied: Type.Integer({ minimum: 0 }),
      pending: Type.Integer({ minimum: 0 }),
      current: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  /** server time, ISO 8601 */
  time: Type.String(),
  /** why the service is degraded */
  message: Type.Optional(Type.String()),
});
export type HealthResponse = Static<typeof HealthResponse>;
