/** Reading cases as a caller may see them (every change goes through the writer: ../writer). */
import type pg from 'pg';
import type { Case } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as repo from './repository.ts';
import { hasPersonal, maySeePersonal, present } from './present.ts';

export { hasPersonal, maySeePersonal, present } from './present.ts';

/** Reads one case as this user may see it, logging a read of personal data. */
export async function readCase(pool: pg.Pool, user: AuthUser, id: number, route: string): Promise<Case> {
  const row = await repo.findCase(pool, id);
  if (!row || !repo.inScope(user, row)) throw new HttpError(404, 'CASE_NOT_FOUND', `case ${id} not found`);
  const personal = maySeePersonal(user, row);
  if (personal && hasPersonal(row)) await repo.logPersonalAccess(pool, user.id, [row.id], route);
  return present(row, user, { personal });
}
