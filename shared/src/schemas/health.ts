import { Type, type Static } from 'typebox';

/**
 * GET /api/health. Everyone gets `status` (200 ok; 503 degraded: the database cannot be reached or migrations are
 * pending); the details (database, PostGIS version, migrations, time, message) only an admin's session gets.
 */
export const HealthResponse = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  database: Type.Optional(Type.Enum(['ok', 'unavailable'], { description: 'admins only' })),
  /** PostGIS version, e.g. "3.3.2"; null when the database cannot be reached */
  postgis: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'PostGIS version (admins only); null when the database cannot be reached' })),
  migrations: Type.Optional(
    Type.Union(
      [
        Type.Object({
          applied: Type.Integer({ minimum: 0 }),
          pending: Type.Integer({ minimum: 0 }),
          current: Type.Boolean(),
        }),
        Type.Null(),
      ],
      { description: 'admins only' },
    ),
  ),
  /** server time, ISO 8601 */
  time: Type.Optional(Type.String({ description: 'server time, ISO 8601 (admins only)' })),
  /** the streaming replica of the lag-tolerant reads (docs/deploy.md) */
  replica: Type.Optional(
    Type.Object(
      {
        configured: Type.Boolean(),
        healthy: Type.Boolean(),
        lagMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
        lagP99Ms: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: '99th percentile of the lag over the last probes' }),
        lagBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
        usingReplica: Type.Boolean(),
        maxLagMs: Type.Integer({ minimum: 0 }),
        reason: Type.Optional(Type.String()),
      },
      { description: 'admins only' },
    ),
  ),
  /** this API process's memory (process.memoryUsage), in MB */
  process: Type.Optional(
    Type.Object(
      {
        pid: Type.Integer({ minimum: 0 }),
        uptimeS: Type.Number({ minimum: 0 }),
        rssMb: Type.Number({ minimum: 0, description: 'resident set' }),
        heapUsedMb: Type.Number({ minimum: 0, description: 'live and not yet collected JavaScript objects' }),
        heapTotalMb: Type.Number({ minimum: 0, description: 'the JavaScript heap as reserved' }),
        externalMb: Type.Number({ minimum: 0, description: 'memory of C++ objects bound to JavaScript, buffers included' }),
        arrayBuffersMb: Type.Number({ minimum: 0, description: 'buffers and array buffers (part of external)' }),
        tileCacheMb: Type.Number({ minimum: 0, description: 'rendered tiles held by the tile cache (part of arrayBuffers)' }),
      },
      { description: 'admins only' },
    ),
  ),
  /** why the service is degraded */
  message: Type.Optional(Type.String({ description: 'why the service is degraded (admins only)' })),
});
export type HealthResponse = Static<typeof HealthResponse>;
