/**
 * The dispatcher's desk folds team events through the shared board into the teams cache: statuses by version,
 * positions newer-only, a team list read before an event does not undo it, and a batch says what to refetch.
 */
import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { LiveEvent, Team, TeamListResponse } from '@gridcommand/shared/schemas';
import { caseEvent, ev, facts, resetIds } from '../../shared/test/fixtures/events.ts';
import { keys } from '../src/api/keys.ts';
import { DeskTeamFold, impactOf } from '../src/dispatch/useDeskLive.ts';

function team(id: number, over: Partial<Team> = {}): Team {
  return {
    id,
    code: `T${id}`,
    name: `巡逻${id}队`,
    kind: 'police_patrol',
    status: 'available',
    homeZoneCode: null,
    lon: 120.1,
    lat: 35.9,
    positionAt: '2026-12-01T01:00:00.000Z',
    memberCount: 4,
    currentCaseId: null,
    version: 2,
    ...over,
  };
}

const status = (id: number, s: Team['status'], version: number, caseId: number | null = null): LiveEvent =>
  ev('team.status', { team: { id, status: s, currentCaseId: caseId, version }, previousStatus: 'available', reason: 'manual', dispatchId: null, caseId }, { teamId: id });

function desk(items: Team[]) {
  const qc = new QueryClient();
  qc.setQueryData<TeamListResponse>(keys.teams(), { items });
  const fold = new DeskTeamFold(qc);
  fold.seed();
  const teams = () => qc.getQueryData<TeamListResponse>(keys.teams())!.items;
  return { qc, fold, teams };
}

describe('the desk folds team events into the teams cache', () => {
  it('statuses by version, positions only when newer, the list order and other fields kept', () => {
    resetIds(1);
    const { fold, teams } = desk([team(1), team(2, { name: '应急2队' })]);
    fold.fold([
      status(2, 'en_route', 3, 77),
      status(2, 'available', 1), // older than what the team has: ignored
      ev('team.position', { at: '2026-12-01T02:00:00.000Z', status: 'en_route', speed: 30, heading: 90 }, { teamId: 2, lon: 120.3, lat: 35.7 }),
      ev('team.positions', { items: [{ teamId: 2, lon: 0, lat: 0, at: '2026-12-01T00:30:00.000Z', status: 'en_route' }] }), // stale
    ]);
    fold.flush();
    expect(teams().map((t) => t.id)).toEqual([1, 2]);
    expect(teams()[1]).toMatchObject({ name: '应急2队', status: 'en_route', currentCaseId: 77, version: 3, lon: 120.3, lat: 35.7, positionAt: '2026-12-01T02:00:00.000Z' });
    expect(teams()[0]).toEqual(team(1));
    fold.dispose();
  });

  it('a team list the server read before an event does not undo the event', () => {
    resetIds(10);
    const { qc, fold, teams } = desk([team(1)]);
    fold.fold([status(1, 'on_scene', 4, 5)]);
    fold.flush();
    // a refetch answered with what the server had before the event
    qc.setQueryData<TeamListResponse>(keys.teams(), { items: [team(1, { status: 'en_route', currentCaseId: 5, version: 3 })] });
    fold.seed();
    fold.flush();
    expect(teams()[0]).toMatchObject({ status: 'on_scene', version: 4 });
    // a newer list wins
    qc.setQueryData<TeamListResponse>(keys.teams(), { items: [team(1, { status: 'available', version: 5 })] });
    fold.seed();
    fold.flush();
    expect(teams()[0]).toMatchObject({ status: 'available', version: 5 });
    fold.dispose();
  });

  it('an action result is taken unless the board already has a newer team', () => {
    resetIds(20);
    const { fold, teams } = desk([team(1)]);
    fold.put(team(1, { status: 'en_route', currentCaseId: 9, version: 3 }));
    expect(teams()[0]).toMatchObject({ status: 'en_route', version: 3 });
    fold.fold([status(1, 'on_scene', 5, 9)]);
    fold.put(team(1, { status: 'en_route', currentCaseId: 9, version: 4 }));
    expect(teams()[0]).toMatchObject({ status: 'on_scene', version: 5 });
    fold.dispose();
  });

  it('says what a batch asks the desk to refetch', () => {
    resetIds(30);
    expect(impactOf([caseEvent('case.created', facts())])).toMatchObject({ cases: true, zones: false, teamStatus: false, teamEvents: [] });
    expect(impactOf([status(1, 'en_route', 3)])).toMatchObject({ cases: false, teamStatus: true });
    expect(impactOf([ev('patrol_zone.deleted', { zoneId: 4 }, { teamId: 7 })])).toMatchObject({ zones: true, cases: false });
    expect(impactOf([ev('dispatch.created', { dispatchId: 3, caseCode: 'X', distanceM: null, etaS: null, reassignedFrom: null })]).cases).toBe(true);
  });
});
