/**
 * Reservations (预留): a dispatcher holds an available team for a case before sending it. A held team is not
 * offered for other cases (nearest teams leave it out) and cannot be sent to them (409 TEAM_RESERVED) until the
 * reservation lapses (TEAM_RESERVATION_MS) or is released; sending it to its case turns the reservation into the
 * dispatch in the same transaction (commands.ts). Lock order as everywhere: the case first, then the team.
 */
import { assignmentActions, reservationExpiry } from '@gridcommand/shared/domain';
import { HttpError, conflict } from '../../plugins/errors.ts';
import { present } from '../cases/present.ts';
import * as teamRepo from '../teams/repository.ts';
import { loadCase } from './cases.ts';
import { draft } from './events.ts';
import { checkReservation, closeReservation, lockTeams, teamConflict, teamNotFound } from './teams.ts';
import type { WriteTx } from './tx.ts';

/** POST /api/teams/:id/reservation: holds the team for the case; `created` false when it already was (same case). */
export async function reserveTeam(
  tx: WriteTx,
  teamId: number,
  body: { caseId: number; note?: string },
): Promise<{ reservation: teamRepo.ReservationRow; created: boolean }> {
  if (!tx.user) throw new HttpError(403, 'FORBIDDEN_ROLE', 'this action needs an account');
  const c = await loadCase(tx, body.caseId);
  if (!assignmentActions(c.rec.status)) {
    throw conflict('ILLEGAL_TRANSITION', `a ${c.rec.status} case takes no team: nothing to reserve a team for`, {
      current: { case: present(c.row, tx.user, { personal: false }) },
    });
  }
  const team = (await lockTeams(tx, [teamId])).get(teamId);
  if (!team) throw teamNotFound(teamId, 422);
  const own = await checkReservation(tx, teamId, { id: c.row.id, streetCode: c.row.street_code, lon: c.row.lon, lat: c.row.lat });
  if (own) return { reservation: own, created: false };
  if (team.status !== 'available') {
    throw await teamConflict(tx, teamId, 'TEAM_BUSY', `team ${teamId} is ${team.status}: only an available team can be reserved`);
  }
  const until = reservationExpiry(tx.now);
  const id = await teamRepo.insertReservation(tx.client, { teamId, caseId: c.row.id, by: tx.user.id, at: tx.now, until, note: body.note ?? null });
  tx.emit(
    draft(
      'team.reserved',
      { reservationId: id, caseCode: c.row.code, until: until.toISOString() },
      { caseId: c.row.id, teamId, streetCode: c.row.street_code, lon: c.row.lon, lat: c.row.lat, note: body.note ?? null },
    ),
  );
  return { reservation: (await teamRepo.openReservationOfTeam(tx.client, teamId))!, created: true };
}

/** DELETE /api/teams/:id/reservation: lets the team go (404 NO_RESERVATION when none is active). */
export async function releaseReservation(tx: WriteTx, teamId: number): Promise<void> {
  if (!tx.user) throw new HttpError(403, 'FORBIDDEN_ROLE', 'this action needs an account');
  const seen = await teamRepo.openReservationOfTeam(tx.client, teamId);
  if (!seen || seen.expires_at.getTime() <= tx.now.getTime()) {
    if (!(await teamRepo.findTeam(tx.client, teamId))) throw teamNotFound(teamId);
    throw new HttpError(404, 'NO_RESERVATION', `team ${teamId} is not reserved`);
  }
  await loadCase(tx, seen.case_id);
  await lockTeams(tx, [teamId]);
  await closeReservation(tx, seen, 'released');
}
