/** Shapes of the generated demo district (data/demo/*) shared by the generator, the seed loader and tests. */
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';

export type AreaLevel = 'district' | 'street' | 'zone' | 'community' | 'grid';

export interface AreaProperties {
  /** district 6 digits (GB/T 2260), street 9, zone 11 (street code + 2-digit sequence), community 12, grid 15 */
  code: string;
  level: AreaLevel;
  name: string;
  /** null only for the district */
  parentCode: string | null;
  /** short human code: grids "A1" (community letter within its street + grid number); null elsewhere */
  displayCode: string | null;
  population: number;
  households: number;
  /** the ancestors, filled for every level below them (null at and above the own level) */
  streetCode: string | null;
  zoneCode: string | null;
  communityCode: string | null;
  /** urban streets are denser, with smaller grids */
  urban: boolean;
  /** optional readable name: communities without the committee suffix (盐滩社区居民委员会 → 盐滩社区) */
  shortName?: string;
}

export type AreaFeature = Feature<MultiPolygon, AreaProperties>;
export type AreaCollection = FeatureCollection<MultiPolygon, AreaProperties>;

export type StaffRole =
  | 'grid_worker' // 专职网格员
  | 'community_police' // 社区民警
  | 'city_management' // 城管队员
  | 'safety_inspector' // 安全监管员
  | 'building_head' // 楼长
  | 'property_manager' // 物业管理员
  | 'volunteer'; // 志愿者

export interface StaffMember {
  /** stable id, e.g. "S000123" */
  id: string;
  name: string;
  role: StaffRole;
  /** personal data: 11-digit mobile number (fictional) */
  phone: string;
  /** grids this person serves */
  gridCodes: string[];
  /** grids for which this person is the responsible person (网格责任人); a subset of gridCodes */
  responsibleFor: string[];
}

export type TeamKind = 'police_patrol' | 'city_management' | 'grid_team' | 'emergency' | 'market_supervision';
export type TeamStatus = 'available' | 'en_route' | 'on_scene' | 'off_duty';

export interface Team {
  /** stable code, e.g. "PG01" */
  code: string;
  name: string;
  kind: TeamKind;
  status: TeamStatus;
  /** management zone the team is based in */
  homeZoneCode: string;
  members: { name: string; role: 'police' | 'auxiliary' | 'officer' | 'member' | 'leader' }[];
  lon: number;
  lat: number;
}

export interface DemoDistrict {
  district: AreaCollection;
  streets: AreaCollection;
  zones: AreaCollection;
  communities: AreaCollection;
  grids: AreaCollection;
  staff: StaffMember[];
  teams: Team[];
}
