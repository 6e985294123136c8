/**
 * The units' queues (docs/units.md): GET /api/queues (the caller's unit and the count of each tab) and
 * GET /api/queues/:tab (one tab's cases, most urgent first). `?unit=` looks at a unit within the caller's own: the
 * district centre any unit, a street its zones and communities, a zone its communities.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { queueTabsFor, type QueueTab, type UnitRef } from '@gridcommand/shared/domain';
import { ErrorResponse, QueueList, QueueListQuery, QueueQuery, QueueSummary, QueueTabParams, type QueueUnit } from '@gridcommand/shared/schemas';
import { HttpError, notFound } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import { unitOf } from '../cases/repository.ts';
import { present } from '../cases/present.ts';
import * as repo from './repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const ROLES = ['admin', 'leader', 'dispatcher', 'handler'] as const;

const asUnit = (r: repo.UnitRow): QueueUnit => ({ code: r.code, kind: r.kind, name: r.name, parentCode: r.parent_code });

/** The caller's own unit: its account's unit, a handler's department, or the district centre. */
async function ownUnit(app: { pool: import('pg').Pool }, user: AuthUser): Promise<repo.UnitRow> {
  const code = unitOf(user)?.code ?? (user.role === 'handler' ? user.departmentCode : null);
  const row = code ? await repo.findUnit(app.pool, code) : await repo.districtUnit(app.pool);
  if (!row) throw new HttpError(403, 'NO_UNIT', 'this account belongs to no unit with a queue: ask an admin to give it one');
  return row;
}

/** The unit asked for, if the caller may look at it. */
async function unitAsked(app: { pool: import('pg').Pool }, user: AuthUser, code: string | undefined): Promise<repo.UnitRow> {
  const own = await ownUnit(app, user);
  if (code === undefined || code === own.code) return own;
  const asked = await repo.findUnit(app.pool, code);
  if (!asked) throw notFound('UNIT_NOT_FOUND', `unit ${code} not found`);
  const ownRef: UnitRef = { kind: own.kind, code: own.code };
  const allowed =
    own.kind === 'district' ||
    ((own.kind === 'street' || own.kind === 'zone') && asked.kind !== 'department' && (await repo.areaWithin(app.pool, asked.code, ownRef)));
  if (!allowed) throw new HttpError(403, 'UNIT_OUTSIDE_SCOPE', `unit ${code} is outside your unit ${own.code}`);
  return asked;
}

const queueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/queues',
    { schema: { querystring: QueueQuery, response: { 200: QueueSummary, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const unit = await unitAsked(app, request.user!, request.query.unit);
      const tabs = await repo.countTabs(app.pool, { kind: unit.kind, code: unit.code }, new Date());
      return { unit: asUnit(unit), tabs };
    },
  );

  app.get(
    '/api/queues/:tab',
    { schema: { params: QueueTabParams, querystring: QueueListQuery, response: { 200: QueueList, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const user = request.user!;
      const unit = await unitAsked(app, user, request.query.unit);
      const tab = request.params.tab as QueueTab;
      if (!queueTabsFor(unit.kind).includes(tab)) {
        throw notFound('TAB_NOT_FOUND', `a ${unit.kind} unit has no "${tab}" queue; its queues: ${queueTabsFor(unit.kind).join(', ')}`);
      }
      const limit = request.query.limit ?? 50;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await repo.listTab(app.pool, { kind: unit.kind, code: unit.code }, tab, limit, offset);
      // queue rows carry no personal data: the case's detail shows it (and logs the read) to those who may see it
      return { unit: asUnit(unit), tab, total, limit, offset, items: rows.map((r) => present(r, user, { personal: false })) };
    },
  );
};

export default queueRoutes;
