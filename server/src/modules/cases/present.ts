/** How a case is shown to a caller: personal data only for the roles that need it, and the actions allowed now. */
import { actsOnHeldCase, allowedActions, escalationLevelOf, type CaseState, type ParkableState, type Role } from '@gridcommand/shared/domain';
import type { Case } from '@gridcommand/shared/schemas';
import type { AuthUser } from '../auth/repository.ts';
import { inScope, unitOf, type CaseRow } from './repository.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Personal data (reporter name and phone) is shown to admin and dispatcher, and to the handler of the case's
 * own department (they may need to call the reporter back). Leader, worker and wall never see it.
 */
export function maySeePersonal(user: AuthUser, row: { department_code: string | null }): boolean {
  if (user.role === 'admin' || user.role === 'dispatcher') return true;
  return user.role === 'handler' && user.departmentCode !== null && row.department_code === user.departmentCode;
}

/** A handler of a helping department (协办): it sees the case, the lead department acts on it. */
export function helpsOnly(user: AuthUser, row: Pick<CaseRow, 'department_code'>): boolean {
  return user.role === 'handler' && row.department_code !== user.departmentCode;
}

export function hasPersonal(row: CaseRow): boolean {
  return row.reporter_name !== null || row.reporter_phone !== null;
}

export function present(row: CaseRow, user: AuthUser | null, opts: { personal: boolean }): Case {
  const level = escalationLevelOf(row.escalation_level);
  const role = (user?.role ?? 'public') as Role;
  const actions =
    user && inScope(user, row) && actsOnHeldCase(unitOf(user), row.holder_code) && !helpsOnly(user, row)
      ? allowedActions(row.status as CaseState, role, {
          escalationLevel: level,
          parkedFrom: row.status_before_park as ParkableState | null,
        })
      : [];
  const c: Case = {
    id: row.id,
    code: row.code,
    source: row.source as Case['source'],
    categoryCode: row.category_code,
    categoryName: row.category_name,
    majorCode: row.major_code,
    majorName: row.major_name,
    priority: row.priority as Case['priority'],
    title: row.title,
    description: row.description,
    address: row.address,
    lon: row.lon,
    lat: row.lat,
    gridCode: row.grid_code,
    gridName: row.grid_name,
    communityCode: row.community_code,
    communityName: row.community_name,
    zoneCode: row.zone_code,
    zoneName: row.zone_name,
    streetCode: row.street_code,
    streetName: row.street_name,
    departmentCode: row.department_code,
    departmentName: row.department_name,
    teamId: row.team_id,
    teamName: row.team_name,
    status: row.status as Case['status'],
    parkedFrom: row.status_before_park,
    escalationLevel: level,
    duplicateOf: row.duplicate_of,
    voidReason: row.void_reason,
    parkReason: row.park_reason,
    parkReviewDate: row.park_review_date,
    reworkCount: row.rework_count,
    holderCode: row.holder_code,
    signBy: iso(row.sign_by),
    returnCount: row.return_count,
    returnedBy: row.returned_by,
    returnReason: row.return_reason,
    helperDepartments: row.helper_departments ?? [],
    fixedOnSpot: row.fixed_on_spot,
    verification: row.verification
      ? { ...row.verification, at: new Date(row.verification.at).toISOString(), distanceM: row.verification.distanceM === null ? null : Number(row.verification.distanceM) }
      : null,
    photos: Array.isArray(row.photos) ? (row.photos as unknown[]).filter((p): p is string => typeof p === 'string') : [],
    reportedAt: row.reported_at.toISOString(),
    filedAt: iso(row.filed_at),
    dispatchedAt: iso(row.dispatched_at),
    acceptedAt: iso(row.accepted_at),
    handledAt: iso(row.handled_at),
    verifiedAt: iso(row.verified_at),
    closedAt: iso(row.closed_at),
    voidedAt: iso(row.voided_at),
    respondBy: row.respond_by.toISOString(),
    resolveBy: row.resolve_by.toISOString(),
    respondWarnAt: iso(row.respond_warn_at),
    resolveWarnAt: iso(row.resolve_warn_at),
    respondRedAt: iso(row.respond_red_at),
    resolveRedAt: iso(row.resolve_red_at),
    light: row.light as Case['light'],
    supervised: row.supervised,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    allowedActions: actions,
  };
  if (opts.personal) {
    c.reporterName = row.reporter_name;
    c.reporterPhone = row.reporter_phone;
  }
  return c;
}
