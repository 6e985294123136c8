/**
 * Every react-query key of the client, in one place: each useQuery, invalidateQueries, setQueryData and
 * getQueryData takes its key from here, so that an invalidation hits exactly the queries it means to.
 *
 * Keys are arrays from the general to the particular; a function without its last arguments (e.g.
 * `keys.dispatch.queues()`) is the prefix that invalidates all of them.
 */
import type { AreaLevel } from './types.ts';
import type { StatsPeriod, TrendBy } from '@gridcommand/shared/schemas';

export interface KeyWindow {
  from: string;
  to: string;
}

const stats = {
  all: () => ['stats'] as const,
  overviews: () => ['stats', 'overview'] as const,
  overview: (period: StatsPeriod, street: string | null) => ['stats', 'overview', period, street] as const,
  streetLists: () => ['stats', 'streets'] as const,
  streets: (period: StatsPeriod) => ['stats', 'streets', period] as const,
  heatmap: (query: string) => ['stats', 'heatmap', query] as const,
  heatmapScale: (query: string) => ['stats', 'heatmap-scale', query] as const,
  choropleth: (query: string) => ['stats', 'choropleth', query] as const,
  area: (code: string, w: KeyWindow) => ['stats', 'area', code, w.from, w.to] as const,
  trend: (by: TrendBy, w: KeyWindow, category: string) => ['stats', 'trend', by, w.from, w.to, category] as const,
};

/** the work calendar: its status (the next-year warning), a year's days, the State Council days the server knows */
const calendar = {
  all: () => ['calendar'] as const,
  status: () => ['calendar', 'status'] as const,
  year: (year: number) => ['calendar', 'year', year] as const,
  library: (year: number) => ['calendar', 'library', year] as const,
};

/** the admin's audit timeline, one entry per filter and page */
const admin = {
  audit: (query: string) => ['admin', 'audit', query] as const,
  /** the units and accounts page: the unit tree, a unit's grids, a page of accounts */
  units: () => ['admin', 'units'] as const,
  unitGrids: (code: string) => ['admin', 'unit-grids', code] as const,
  accountLists: () => ['admin', 'accounts'] as const,
  accounts: (query: string) => ['admin', 'accounts', query] as const,
};

const dispatch = {
  queues: () => ['dispatch', 'queue'] as const,
  queue: (name: string) => ['dispatch', 'queue', name] as const,
  gridCaseLists: () => ['dispatch', 'grid-cases'] as const,
  gridCases: (code: string) => ['dispatch', 'grid-cases', code] as const,
  cases: () => ['dispatch', 'case'] as const,
  case: (id: number) => ['dispatch', 'case', id] as const,
  nearestAll: () => ['dispatch', 'nearest'] as const,
  nearest: (key: string) => ['dispatch', 'nearest', key] as const,
  roster: (code: string) => ['dispatch', 'roster', code] as const,
  zones: () => ['dispatch', 'zones'] as const,
  coverage: () => ['dispatch', 'coverage'] as const,
  /** GET /api/patrols?active=true: grid workers on patrol, with their tracks */
  patrols: () => ['dispatch', 'patrols'] as const,
  /** GET /api/callbacks: closed public cases to call back (回访) */
  callbacks: () => ['dispatch', 'callbacks'] as const,
  /** GET /api/cases/:id/teams: a case's lead and supporting teams, and its reservations */
  caseTeamsAll: () => ['dispatch', 'case-teams'] as const,
  caseTeams: (id: number) => ['dispatch', 'case-teams', id] as const,
  /** GET /api/teams/board: who is where */
  teamBoard: () => ['dispatch', 'team-board'] as const,
};

/** The grid worker's phone (/field/). Every key under `field.all()` is kept in IndexedDB for use offline. */
const field = {
  all: () => ['field'] as const,
  /** GET /api/field/me: who I am, my grids, my active patrol */
  me: () => ['field', 'me'] as const,
  /** the task lists, by the status they list */
  taskLists: () => ['field', 'tasks'] as const,
  tasks: (status: string) => ['field', 'tasks', status] as const,
  cases: () => ['field', 'case'] as const,
  case: (id: number) => ['field', 'case', id] as const,
  /** open cases of a category near a point (GET /api/cases/nearby); not kept offline */
  nearby: (lon: number, lat: number, category: string) => ['field-online', 'nearby', lon.toFixed(5), lat.toFixed(5), category] as const,
  visitLists: () => ['field', 'visits'] as const,
  visits: (from: string, to: string) => ['field', 'visits', from, to] as const,
};

/** the assessment indicators page (/insights/indicators): one entry per query string */
const indicators = {
  all: () => ['indicators'] as const,
  one: (query: string) => ['indicators', 'one', query] as const,
  ranking: (query: string) => ['indicators', 'ranking', query] as const,
  departments: () => ['indicators', 'departments'] as const,
};

/** the units' queues (GET /api/queues, /api/queues/:tab), per unit looked at ('' = the caller's own) */
const queues = {
  all: () => ['queues'] as const,
  summary: (unit: string) => ['queues', 'summary', unit] as const,
  tab: (tab: string, unit: string, offset: number) => ['queues', 'tab', tab, unit, offset] as const,
  departments: () => ['queues', 'departments'] as const,
  areaChildren: (code: string) => ['queues', 'children', code] as const,
};

/** the monthly assessment (/insights/assessment, the phone's 我的考核): per month and unit ('' = the caller's own) */
const assessment = {
  all: () => ['assessment'] as const,
  sheet: (month: string, unit: string) => ['assessment', 'sheet', month, unit] as const,
  myScore: (month: string) => ['assessment', 'me', month] as const,
  duties: (month: string) => ['assessment', 'duties', month] as const,
};

/** the bulletins page (/insights/bulletin): a bulletin per kind and date; the zero-report overview per month */
const bulletins = {
  all: () => ['bulletins'] as const,
  one: (kind: string, date: string) => ['bulletins', 'one', kind, date] as const,
  reportsAll: () => ['bulletins', 'unit-reports'] as const,
  reports: (period: string) => ['bulletins', 'unit-reports', period] as const,
};

export const keys = {
  /** who is logged in */
  me: () => ['auth', 'me'] as const,
  /** every area query (all levels, lists and details): refetched after an import (areas.imported) */
  allAreas: () => ['areas'] as const,
  areas: (level: AreaLevel) => ['areas', 'list', level] as const,
  area: (code: string) => ['areas', 'detail', code] as const,
  /** every grid query (the list and details) */
  allGrids: () => ['grids'] as const,
  /** the grids in a window of the map (bbox joined by commas) */
  gridsIn: (bbox: string) => ['grids', 'list', bbox] as const,
  grid: (code: string) => ['grids', 'detail', code] as const,
  /** GET /api/grids/:code/base: counts (kind null) or one kind's records */
  gridBase: (code: string, kind: string | null) => ['grids', 'base', code, kind] as const,
  /** GET /api/specialist/layers and /api/cases/:id/specialist */
  specialistLayers: () => ['specialist', 'layers'] as const,
  caseSpecialist: (id: number) => ['specialist', 'case', id] as const,
  /** the category catalogue (GET /api/categories) */
  categories: () => ['catalogue', 'categories'] as const,
  /** GET /api/teams: one cache entry for the wall and the desk */
  teams: () => ['teams'] as const,
  gridLights: () => ['map', 'grid-lights'] as const,
  openCases: () => ['map', 'open-cases'] as const,
  /** GET /api/map/open-cases.bin, decoded (docs/map-data.md) */
  openCasesBin: () => ['map', 'open-cases.bin'] as const,
  supervisionOpen: () => ['supervision', 'open'] as const,
  supervisionOpenIn: (street: string | null) => ['supervision', 'open', street] as const,
  stats,
  dispatch,
  field,
  calendar,
  admin,
  indicators,
  queues,
  assessment,
  bulletins,
};
