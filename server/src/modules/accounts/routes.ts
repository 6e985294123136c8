/**
 * Units and accounts, managed by the admin (docs/units.md):
 *   GET   /api/admin/units              the units (district, streets, zones, communities, departments) with parent codes,
 *                                       active accounts and grids; ?kind= &q=
 *   GET   /api/admin/units/:code/grids  the grids in a unit's area (a worker's grids are chosen from them)
 *   POST  /api/admin/departments        a new department unit (409 when the code is taken)
 *   GET   /api/admin/accounts           accounts of a unit (and the units below it), role, text, active; paged
 *   POST  /api/admin/accounts           a new account (409 username taken, 422 role or grids not allowed in the unit)
 *   PATCH /api/admin/accounts/:id       an edit made on `version` (409 when stale); switching an account off or changing
 *                                       its role, unit or password ends its sessions
 * Admin only; every change is audited (account.*, department.created). Never a password hash on the wire.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Account,
  AccountCreateBody,
  AccountList,
  AccountParams,
  AccountPatchBody,
  AccountsQuery,
  DepartmentBody,
  RefusalResponse,
  ErrorResponse,
  Unit,
  UnitGridList,
  UnitList,
  UnitParams,
  UnitsQuery,
} from '@gridcommand/shared/schemas';
import { notFound } from '../../plugins/errors.ts';
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor } from '../writer/tx.ts';
import * as repo from './repository.ts';
import * as svc from './service.ts';

const ADMIN = { roles: ['admin'] as const };
const refusals = { '4xx': RefusalResponse, '5xx': ErrorResponse };

const accountsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/units',
    { schema: { summary: 'Organisation units with their accounts', querystring: UnitsQuery, response: { 200: UnitList, ...ERROR_RESPONSES } }, config: ADMIN },
    async (request) => {
      const rows = await repo.listUnits(app.pool, svc.ROLES, request.query.kind ?? null, request.query.q?.trim() || null);
      return { items: rows.map(svc.presentUnit) };
    },
  );

  app.get(
    '/api/admin/units/:code/grids',
    { schema: { summary: "The grids in a unit's area", params: UnitParams, response: { 200: UnitGridList, ...ERROR_RESPONSES } }, config: ADMIN },
    async (request) => {
      const unit = await repo.findUnit(app.pool, request.params.code);
      if (!unit) throw notFound('UNIT_NOT_FOUND', `unit ${request.params.code} not found`);
      return { items: await repo.unitGrids(app.pool, unit) };
    },
  );

  app.post(
    '/api/admin/departments',
    { schema: { summary: 'Add a department unit', body: DepartmentBody, response: { 201: Unit, ...ERROR_RESPONSES } }, config: ADMIN },
    async (request, reply) => {
      const actor = userActor(request.user!);
      return sendOutcome(reply, await svc.createDepartment(app.pool, request, actor, idempotencyKeyOf(request, actor), request.body));
    },
  );

  app.get(
    '/api/admin/accounts',
    { schema: { summary: 'Accounts of a unit and the units below it', querystring: AccountsQuery, response: { 200: AccountList, ...ERROR_RESPONSES } }, config: ADMIN },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const { rows, total } = await repo.listAccounts(
        app.pool,
        { roles: svc.ROLES, unit: q.unit ?? null, below: q.below ?? true, role: q.role ?? null, q: q.q?.trim() || null, active: q.active ?? null },
        limit,
        offset,
      );
      return { items: rows.map(svc.presentAccount), total, limit, offset };
    },
  );

  app.post(
    '/api/admin/accounts',
    { schema: { summary: 'Create an account in a unit', body: AccountCreateBody, response: { 201: Account, ...ERROR_RESPONSES } }, config: ADMIN },
    async (request, reply) => {
      const actor = userActor(request.user!);
      return sendOutcome(reply, await svc.createAccount(app.pool, request, actor, idempotencyKeyOf(request, actor), request.body));
    },
  );

  app.patch(
    '/api/admin/accounts/:id',
    {
      schema: { summary: 'Edit, switch off or move an account', params: AccountParams, body: AccountPatchBody, response: { 200: Account, ...refusals } },
      config: ADMIN,
    },
    async (request) => svc.updateAccount(app.pool, request, request.params.id, request.body),
  );
};

export default accountsRoutes;
