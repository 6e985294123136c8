/**
 * Units and accounts through react-query (GET /api/admin/units, /api/admin/units/:code/grids, /api/admin/accounts;
 * POST /api/admin/accounts, /api/admin/departments; PATCH /api/admin/accounts/:id), and the unit tree built from
 * the flat list: district → streets → zones → communities, the departments apart.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Account, AccountList, Unit, UnitGridList, UnitList } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export function useUnits(enabled: boolean) {
  return useQuery({
    queryKey: keys.admin.units(),
    queryFn: ({ signal }) => apiFetch<UnitList>('/api/admin/units', { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function useUnitGrids(code: string | null) {
  return useQuery({
    queryKey: keys.admin.unitGrids(code ?? ''),
    queryFn: ({ signal }) => apiFetch<UnitGridList>(`/api/admin/units/${encodeURIComponent(code!)}/grids`, { signal }),
    enabled: code !== null,
    staleTime: 300_000,
  });
}

export function useAccounts(query: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.admin.accounts(query),
    queryFn: ({ signal }) => apiFetch<AccountList>(`/api/admin/accounts?${query}`, { signal }),
    enabled,
    placeholderData: keepPreviousData,
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.admin.accountLists() });
    void qc.invalidateQueries({ queryKey: keys.admin.units() });
  };
}

export interface AccountDraftBody {
  username: string;
  displayName: string;
  role: string;
  unitCode: string;
  password: string;
  gridCodes: string[];
}

export function useCreateAccount() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: AccountDraftBody) => apiFetch<Account>('/api/admin/accounts', { method: 'POST', body }),
    onSuccess: refresh,
  });
}

export type AccountPatch = Partial<Omit<AccountDraftBody, 'username' | 'password'>> & { version: number; active?: boolean; newPassword?: string };

export function useUpdateAccount() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, patch }: { id: number; patch: AccountPatch }) => apiFetch<Account>(`/api/admin/accounts/${id}`, { method: 'PATCH', body: patch }),
    onSuccess: refresh,
  });
}

export function useCreateDepartment() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { code: string; name: string; nameEn: string }) =>
      apiFetch<Unit>('/api/admin/departments', { method: 'POST', body }),
    onSuccess: refresh,
  });
}

export interface UnitNode {
  unit: Unit;
  children: UnitNode[];
  /** active accounts of the unit and every unit below it */
  total: number;
}

/** The area units as a tree under the district (departments apart), with account totals per subtree. */
export function unitTree(units: readonly Unit[]): { roots: UnitNode[]; departments: Unit[] } {
  const nodes = new Map<string, UnitNode>();
  for (const u of units) if (u.kind !== 'department') nodes.set(u.code, { unit: u, children: [], total: 0 });
  const roots: UnitNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.unit.parentCode ? nodes.get(n.unit.parentCode) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  const sum = (n: UnitNode): number => (n.total = n.unit.accounts + n.children.reduce((s, c) => s + sum(c), 0));
  roots.forEach(sum);
  const departments = units.filter((u) => u.kind === 'department');
  // the departments' accounts count in the district's total (they sit under it)
  if (roots.length === 1) roots[0]!.total += departments.reduce((s, d) => s + d.accounts, 0);
  return { roots, departments };
}
