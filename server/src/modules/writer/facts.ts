/** A stored case as the rules see it (CaseRecord) and as screens see it (CaseFacts), and back to a row. */
import { escalationLevelOf, holderOf, type CaseClocks, type CaseRecord, type CaseState, type Light, type ParkableState } from '@gridcommand/shared/domain';
import type { CaseFacts } from '@gridcommand/shared/schemas';
import type { CaseRow } from '../cases/repository.ts';

/** The six stored instants of a case (older rows may lack the warn/red ones: they fall back to the deadline). */
export function clocksOf(r: Pick<CaseRow, 'respond_by' | 'respond_warn_at' | 'respond_red_at' | 'resolve_by' | 'resolve_warn_at' | 'resolve_red_at'>): CaseClocks {
  return {
    respondBy: r.respond_by,
    respondWarnAt: r.respond_warn_at ?? r.respond_by,
    respondRedAt: r.respond_red_at ?? r.respond_by,
    resolveBy: r.resolve_by,
    resolveWarnAt: r.resolve_warn_at ?? r.resolve_by,
    resolveRedAt: r.resolve_red_at ?? r.resolve_by,
  };
}

export function recordOf(row: CaseRow): CaseRecord {
  const stamp = (d: Date | null) => d ?? undefined;
  const stamps: CaseRecord['stamps'] = {};
  const put = (k: keyof CaseRecord['stamps'], d: Date | null) => {
    if (d) stamps[k] = stamp(d);
  };
  put('filedAt', row.filed_at);
  put('dispatchedAt', row.dispatched_at);
  put('respondedAt', row.accepted_at);
  put('handledAt', row.handled_at);
  put('verifiedAt', row.verified_at);
  put('closedAt', row.closed_at);
  put('voidedAt', row.voided_at);
  return {
    id: row.id,
    status: row.status as CaseState,
    version: row.version,
    escalationLevel: escalationLevelOf(row.escalation_level),
    parkedFrom: row.status_before_park as ParkableState | null,
    parkReason: row.park_reason,
    parkReviewDate: row.park_review_date,
    voidReason: row.void_reason,
    duplicateOf: row.duplicate_of,
    teamId: row.team_id,
    departmentCode: row.department_code,
    reworkCount: row.rework_count,
    signBy: row.sign_by,
    returnCount: row.return_count,
    returnedBy: row.returned_by,
    returnReason: row.return_reason,
    helperDepartments: row.helper_departments ?? [],
    fixedOnSpot: row.fixed_on_spot,
    light: row.light as Light,
    nextLightAt: row.next_light_at,
    supervised: row.supervised,
    clocks: clocksOf(row),
    stamps,
    updatedAt: row.updated_at,
  };
}

/** The row after the record was written (names of a new team or department given by the caller). */
export function rowWith(row: CaseRow, r: CaseRecord, names: { teamName?: string | null; departmentName?: string | null } = {}): CaseRow {
  const s = r.stamps;
  return {
    ...row,
    status: r.status,
    version: r.version,
    escalation_level: ['grid', 'zone', 'street', 'district'].indexOf(r.escalationLevel),
    status_before_park: r.parkedFrom,
    park_reason: r.parkReason,
    park_review_date: r.parkReviewDate,
    void_reason: r.voidReason,
    duplicate_of: r.duplicateOf,
    team_id: r.teamId,
    team_name: r.teamId === row.team_id ? row.team_name : (names.teamName ?? null),
    department_code: r.departmentCode,
    department_name: r.departmentCode === row.department_code ? row.department_name : (names.departmentName ?? null),
    rework_count: r.reworkCount,
    holder_code: holderOf({ escalationLevel: r.escalationLevel, communityCode: row.community_code, zoneCode: row.zone_code, streetCode: row.street_code }),
    sign_by: r.signBy,
    return_count: r.returnCount,
    returned_by: r.returnedBy,
    return_reason: r.returnReason,
    helper_departments: [...r.helperDepartments],
    fixed_on_spot: r.fixedOnSpot,
    light: r.light,
    next_light_at: r.nextLightAt,
    supervised: r.supervised,
    updated_at: r.updatedAt,
    filed_at: s.filedAt ?? null,
    dispatched_at: s.dispatchedAt ?? null,
    accepted_at: s.respondedAt ?? null,
    handled_at: s.handledAt ?? null,
    verified_at: s.verifiedAt ?? null,
    closed_at: s.closedAt ?? null,
    voided_at: s.voidedAt ?? null,
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** What screens see of a case (snapshots and events alike). */
export function factsOf(row: CaseRow): CaseFacts {
  return {
    id: row.id,
    code: row.code,
    status: row.status as CaseFacts['status'],
    light: row.light as CaseFacts['light'],
    priority: row.priority as CaseFacts['priority'],
    source: row.source as CaseFacts['source'],
    categoryCode: row.category_code,
    gridCode: row.grid_code,
    communityCode: row.community_code,
    zoneCode: row.zone_code,
    streetCode: row.street_code,
    lon: round6(row.lon),
    lat: round6(row.lat),
    title: row.title,
    reportedAt: row.reported_at.toISOString(),
    resolveBy: row.resolve_by.toISOString(),
    teamId: row.team_id,
    departmentCode: row.department_code,
    escalationLevel: escalationLevelOf(row.escalation_level),
    supervised: row.supervised,
    version: row.version,
  };
}
