/**
 * Wire shapes the client reads. They come from @gridcommand/shared (the TypeBox schemas the server validates
 * against), so a change on one side shows up as a type error on the other.
 */
import type {
  AreaDetail as SharedAreaDetail,
  AreaItem,
  AreaLevel as SharedAreaLevel,
  AreaListResponse,
  BBox as SharedBBox,
  ErrorResponse,
  GridDetail as SharedGridDetail,
  GridFeatureCollection,
  GridFeatureProperties,
  GridResponsible,
  GridStaffMember,
  LonLat as SharedLonLat,
  StaffRole as SharedStaffRole,
} from '@gridcommand/shared/schemas';

export type LonLat = SharedLonLat;
/** [minLon, minLat, maxLon, maxLat] */
export type BBox = SharedBBox;
export type AreaLevel = SharedAreaLevel;
export type AreaSummary = AreaItem;
export type AreaList = AreaListResponse;
export type AreaDetail = SharedAreaDetail;
export type GridProperties = GridFeatureProperties;
export type GridCollection = GridFeatureCollection;
export type StaffRole = SharedStaffRole;
export type StaffRef = GridResponsible;
export type GridStaff = GridStaffMember;
export type GridDetail = SharedGridDetail;
/** The one error body every API route answers with. */
export type ApiErrorBody = ErrorResponse;
