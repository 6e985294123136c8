/**
 * Creating and editing accounts and departments (docs/units.md): the unit is looked up, the account checked with the
 * domain's `validateAccount` (422 with the first problem; nothing is written), the change written and audited in one
 * transaction. Deactivating an account or changing its role, unit or password ends its sessions: they are deleted
 * and forgotten by this process's session cache, so the next request of the account is 401.
 */
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { MANAGED_ROLES, endsSessions, validateAccount, type ManagedRole } from '@gridcommand/shared/domain';
import type { Account, AccountCreateBody, AccountPatchBody, DepartmentBody, Unit } from '@gridcommand/shared/schemas';
import { inTransaction } from '../../db/transaction.ts';
import { HttpError, conflict, notFound } from '../../plugins/errors.ts';
import { forgetSession } from '../../plugins/auth.ts';
import { hashPassword } from '../auth/passwords.ts';
import { recordAudit } from '../audit/record.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { writeOnce, type Actor, type Outcome } from '../writer/tx.ts';
import * as repo from './repository.ts';

export const ROLES = MANAGED_ROLES;

const unprocessable = (code: string, message: string) => new HttpError(422, code, message);

export function presentAccount(r: repo.AccountRow): Account {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    unitCode: r.unit_code,
    unitName: r.unit_name ?? r.unit_code,
    unitKind: r.unit_kind ?? 'district',
    departmentCode: r.department_code,
    gridCodes: r.grid_codes ?? [],
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastLoginAt: r.last_login_at ? r.last_login_at.toISOString() : null,
    version: r.version,
  };
}

export function presentUnit(r: repo.UnitRow): Unit {
  return { code: r.code, kind: r.kind, name: r.name, nameEn: r.name_en, parentCode: r.parent_code, accounts: r.accounts, grids: r.grids };
}

async function unitOf(db: repo.Queryable, code: string): Promise<repo.UnitRef> {
  const unit = await repo.findUnit(db, code);
  if (!unit) throw unprocessable('UNKNOWN_UNIT', `body field "unitCode": no unit ${code}`);
  return unit;
}

/** Refuses a draft the domain finds fault with: 422 with the first problem, naming its field. */
async function check(db: repo.Queryable, unit: repo.UnitRef, draft: { username?: string; role: string; gridCodes: string[]; password?: string }) {
  const grids = draft.role === 'worker' ? (await repo.unitGrids(db, unit)).map((g) => g.code) : [];
  const [issue] = validateAccount({ ...draft, unitKind: unit.kind }, grids);
  if (issue) throw unprocessable(issue.code, `body field "${issue.field === 'password' ? 'password' : issue.field}": ${issue.message}`);
}

async function loadAccount(db: repo.Queryable, id: number): Promise<repo.AccountRow> {
  const row = await repo.findAccount(db, ROLES, id);
  if (!row) throw notFound('ACCOUNT_NOT_FOUND', `account ${id} not found (wall and public accounts are not managed here)`);
  return row;
}

export async function createAccount(
  pool: pg.Pool,
  request: FastifyRequest,
  actor: Actor,
  key: IdempotencyKey | null,
  body: AccountCreateBody,
): Promise<Outcome<Account>> {
  return writeOnce<Account>(pool, actor, key, async (tx) => {
    const unit = await unitOf(tx.client, body.unitCode);
    const gridCodes = [...(body.gridCodes ?? [])].sort();
    await check(tx.client, unit, { username: body.username, role: body.role, gridCodes, password: body.password });
    const id = await repo.insertAccount(tx.client, {
      username: body.username,
      displayName: body.displayName.trim(),
      role: body.role,
      unitCode: unit.code,
      departmentCode: unit.kind === 'department' ? unit.department_code : null,
      gridCodes,
      passwordHash: await hashPassword(body.password),
    });
    if (id === null) throw conflict('USERNAME_TAKEN', `username ${body.username} is taken`);
    await recordAudit(tx.client, request, 'account.created', {
      objectType: 'user',
      objectId: id,
      detail: { username: body.username, role: body.role, unit: unit.code, grids: gridCodes },
    });
    return { status: 201, body: presentAccount(await loadAccount(tx.client, id)) };
  });
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function updateAccount(pool: pg.Pool, request: FastifyRequest, id: number, body: AccountPatchBody): Promise<Account> {
  const me = request.user!;
  const { account, ended } = await inTransaction(pool, async (client) => {
    // optimistic: the update below writes only the version read here (a concurrent edit makes it 409)
    const cur = await loadAccount(client, id);
    if (cur.version !== body.version) {
      throw conflict('STALE_EDIT', `account ${id} was changed meanwhile (version ${cur.version}, the edit was made on ${body.version}): reload it`, {
        current: presentAccount(cur),
      });
    }
    const role: ManagedRole = body.role ?? cur.role;
    const unitCode = body.unitCode ?? cur.unit_code;
    const gridCodes = [...(body.gridCodes ?? (role === 'worker' ? cur.grid_codes : []))].sort();
    const active = body.active ?? cur.active;
    const displayName = body.displayName?.trim() ?? cur.display_name;
    if (id === me.id && (!active || role !== 'admin')) {
      throw unprocessable('SELF_LOCKOUT', 'an admin cannot switch off their own account or give up their own admin role');
    }
    const unit = await unitOf(client, unitCode);
    await check(client, unit, { role, gridCodes, password: body.newPassword });

    const changed: string[] = [];
    if (displayName !== cur.display_name) changed.push('displayName');
    if (role !== cur.role) changed.push('role');
    if (unit.code !== cur.unit_code) changed.push('unitCode');
    if (!sameList(gridCodes, [...cur.grid_codes].sort())) changed.push('gridCodes');
    if (active !== cur.active) changed.push('active');
    if (body.newPassword !== undefined) changed.push('password');
    if (changed.length === 0) return { account: cur, ended: [] as string[] };

    const written = await repo.updateAccount(client, id, cur.version, {
      displayName,
      role,
      unitCode: unit.code,
      departmentCode: unit.kind === 'department' ? unit.department_code : null,
      gridCodes,
      active,
      passwordHash: body.newPassword === undefined ? null : await hashPassword(body.newPassword),
    });
    if (!written) throw conflict('STALE_EDIT', `account ${id} was changed meanwhile: reload it`);
    const ends = endsSessions({ active, roleChanged: role !== cur.role, unitChanged: unit.code !== cur.unit_code, passwordChanged: body.newPassword !== undefined });
    const hashes = ends ? await repo.deleteSessionsOf(client, id) : [];
    const deactivated = cur.active && !active;
    await recordAudit(client, request, deactivated ? 'account.deactivated' : 'account.updated', {
      objectType: 'user',
      objectId: id,
      detail: {
        username: cur.username,
        changed,
        role: role !== cur.role ? { from: cur.role, to: role } : undefined,
        unit: unit.code !== cur.unit_code ? { from: cur.unit_code, to: unit.code } : undefined,
        active: active !== cur.active ? active : undefined,
        sessionsEnded: ends ? hashes.length : undefined,
      },
    });
    return { account: await loadAccount(client, id), ended: hashes };
  });
  for (const h of ended) forgetSession(h);
  return presentAccount(account);
}

export async function createDepartment(
  pool: pg.Pool,
  request: FastifyRequest,
  actor: Actor,
  key: IdempotencyKey | null,
  body: DepartmentBody,
): Promise<Outcome<Unit>> {
  return writeOnce<Unit>(pool, actor, key, async (tx) => {
    const d = { code: body.code, name: body.name.trim(), nameEn: body.nameEn.trim() };
    if (!(await repo.insertDepartment(tx.client, d))) throw conflict('DEPARTMENT_EXISTS', `department ${body.code} exists`);
    await recordAudit(tx.client, request, 'department.created', { objectType: 'department', objectId: d.code, detail: { name: d.name, nameEn: d.nameEn } });
    const unit = (await repo.listUnits(tx.client, ROLES, 'department', d.code)).find((u) => u.code === d.code);
    return { status: 201, body: presentUnit(unit!) };
  });
}
