/**
 * The feature collections of /ogc/ (docs/ogc.md): one per area level, a public view of cases and, for staff who
 * dispatch, the teams. Each collection names its properties and its queryables (the property filters of the items
 * query); these lists are the allow-lists the repository builds its SQL from: no name a caller sends reaches SQL.
 */
import { CASE_STATES, LIGHTS, PRIORITIES, TEAM_KINDS, TEAM_STATUSES } from '@gridcommand/shared/domain';

export type CollectionId = 'streets' | 'zones' | 'communities' | 'grids' | 'cases' | 'teams';
export type AreaLevel = 'street' | 'zone' | 'community' | 'grid';

export interface Queryable {
  title: string;
  type: 'string' | 'boolean';
  /** the values a string queryable takes (a value outside them is a 400) */
  enum?: readonly string[];
  /** whether `a,b,c` means "any of these" (codes and states); names are matched whole */
  list: boolean;
}

export interface CollectionDef {
  id: CollectionId;
  kind: 'area' | 'cases' | 'teams';
  level?: AreaLevel;
  title: string;
  description: string;
  /** the property the datetime parameter applies to; none: the collection has no time */
  temporal?: 'reported_at' | 'position_at';
  /** geometry type, for the description and the queryables document */
  geometry: 'MultiPolygon' | 'Point';
  /** properties of each feature, in order */
  properties: readonly string[];
  queryables: Readonly<Record<string, Queryable>>;
  /** only these roles see the collection at all (others: 404, as if it did not exist) */
  roles?: readonly string[];
}

const code = (title: string): Queryable => ({ title, type: 'string', list: true });
const name: Queryable = { title: '名称 name', type: 'string', list: false };
const urban: Queryable = { title: '城镇 urban (true / false)', type: 'boolean', list: false };

const AREA_PROPERTIES = ['code', 'name', 'short_name', 'display_code', 'level', 'parent_code', 'street_code', 'zone_code', 'community_code', 'population', 'households', 'urban'] as const;

function area(id: CollectionId, level: AreaLevel, title: string, description: string, queryables: Record<string, Queryable>): CollectionDef {
  return {
    id,
    kind: 'area',
    level,
    title,
    description,
    geometry: 'MultiPolygon',
    properties: AREA_PROPERTIES,
    queryables: { code: code('编码 code'), name, ...queryables, urban },
  };
}

/** Who may see the teams: the roles that dispatch and lead. */
export const TEAM_ROLES: readonly string[] = ['admin', 'dispatcher', 'leader'];

export const COLLECTIONS: readonly CollectionDef[] = [
  area('streets', 'street', '街道 Streets', '街道（镇）边界 Street (town) boundaries of the district', {}),
  area('zones', 'zone', '管区 Management zones', '管区边界 Management zone boundaries', {
    parent_code: code('上级编码 parent code'),
    street_code: code('街道编码 street code'),
  }),
  area('communities', 'community', '社区 Communities', '社区（村）边界 Community (village) boundaries', {
    parent_code: code('上级编码 parent code (the zone)'),
    street_code: code('街道编码 street code'),
  }),
  area('grids', 'grid', '网格 Grids', '网格边界 Grid boundaries, the unit of grid governance', {
    display_code: code('显示编码 display code'),
    parent_code: code('上级编码 parent code (the community)'),
    street_code: code('街道编码 street code'),
    zone_code: code('管区编码 zone code'),
    community_code: code('社区编码 community code'),
  }),
  {
    id: 'cases',
    kind: 'cases',
    title: '案件 Cases (public view)',
    description:
      '案件的公开视图：无报告人、电话、描述与照片；敏感类别仅显示于其网格中心 The public view of cases: no reporter, phone, description or photos; sensitive categories are shown at their grid\'s centre only',
    temporal: 'reported_at',
    geometry: 'Point',
    properties: [
      'code', 'category_code', 'category_name', 'major_code', 'status', 'light', 'priority',
      'street_code', 'zone_code', 'community_code', 'grid_code', 'reported_at', 'closed_at', 'location_generalised',
    ],
    queryables: {
      code: code('案件编号 case code'),
      category_code: code('小类 category code (5 digits)'),
      major_code: code('大类 major category code (2 digits)'),
      status: { title: '状态 status', type: 'string', enum: CASE_STATES, list: true },
      light: { title: '亮灯 light', type: 'string', enum: LIGHTS, list: true },
      priority: { title: '紧急程度 priority', type: 'string', enum: PRIORITIES, list: true },
      street_code: code('街道编码 street code'),
      zone_code: code('管区编码 zone code'),
      community_code: code('社区编码 community code'),
      grid_code: code('网格编码 grid code'),
    },
  },
  {
    id: 'teams',
    kind: 'teams',
    title: '队伍 Teams',
    description: '处置队伍及其最近位置（仅调度、领导与管理员）Response teams at their last known position (dispatchers, leaders and admins only)',
    temporal: 'position_at',
    geometry: 'Point',
    properties: ['code', 'name', 'kind', 'status', 'home_zone_code', 'position_at'],
    queryables: {
      code: code('队伍编码 team code'),
      kind: { title: '类型 kind', type: 'string', enum: TEAM_KINDS, list: true },
      status: { title: '状态 status', type: 'string', enum: TEAM_STATUSES, list: true },
      home_zone_code: code('所属管区 home zone code'),
    },
    roles: TEAM_ROLES,
  },
];

/** Every queryable name of any collection: the items query's property parameters. */
export const ALL_QUERYABLES: readonly string[] = [...new Set(COLLECTIONS.flatMap((c) => Object.keys(c.queryables)))].sort();

/** The collections this caller may see (by role; null: anonymous). */
export function visibleCollections(role: string | null): CollectionDef[] {
  return COLLECTIONS.filter((c) => !c.roles || (role !== null && c.roles.includes(role)));
}

export function collectionFor(id: string, role: string | null): CollectionDef | null {
  return visibleCollections(role).find((c) => c.id === id) ?? null;
}
