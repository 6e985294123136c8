/**
 * Wire shapes of the specialist grid layers and the base data per grid (docs/specialist.md):
 * GET /api/specialist/layers, /api/specialist/layers/:code/grids, /api/cases/:id/specialist,
 * GET /api/grids/:code/base and POST /api/admin/base-data/import.
 */
import { Type, type Static } from 'typebox';
import { BASE_KINDS, SPECIALIST_LAYER_CODES } from '../domain/base-data.ts';
import { GridCode, Id } from './common.ts';

export const SpecialistLayerCodeSchema = Type.Enum([...SPECIALIST_LAYER_CODES], { errorMessage: `must be one of ${SPECIALIST_LAYER_CODES.join(', ')}` });
export const BaseKindSchema = Type.Enum([...BASE_KINDS], { errorMessage: `must be one of ${BASE_KINDS.join(', ')}` });

export const SpecialistLayer = Type.Object({
  code: SpecialistLayerCodeSchema,
  name: Type.String(),
  nameEn: Type.String(),
  department: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  majors: Type.Array(Type.String()),
  categoryCodes: Type.Array(Type.String()),
  /** legend and tile colour, #rrggbb */
  color: Type.String(),
  levels: Type.Integer({ minimum: 1, maximum: 2 }),
  /** the layer's vector tiles: /tiles/{tileLayer}/{z}/{x}/{y}.mvt */
  tileLayer: Type.String(),
  grids: Type.Integer({ minimum: 0 }),
});
export type SpecialistLayer = Static<typeof SpecialistLayer>;

export const SpecialistLayerList = Type.Object({ items: Type.Array(SpecialistLayer) });
export type SpecialistLayerList = Static<typeof SpecialistLayerList>;

export const SpecialistLayerParams = Type.Object({ code: SpecialistLayerCodeSchema });
export type SpecialistLayerParams = Static<typeof SpecialistLayerParams>;

export const SpecialistCaseParams = Type.Object({ id: Id });
export type SpecialistCaseParams = Static<typeof SpecialistCaseParams>;

export const SpecialistOfficer = Type.Object({
  name: Type.String(),
  title: Type.String(),
  /** only for the roles that may see personal data of the case (each read logged) */
  phone: Type.Optional(Type.String()),
});
export type SpecialistOfficer = Static<typeof SpecialistOfficer>;

export const CaseSpecialistGrid = Type.Object({
  layer: SpecialistLayerCodeSchema,
  layerName: Type.String(),
  layerNameEn: Type.String(),
  color: Type.String(),
  code: Type.String(),
  name: Type.String(),
  level: Type.Integer({ minimum: 1, maximum: 2 }),
  officer: Type.Union([SpecialistOfficer, Type.Null()]),
});
export type CaseSpecialistGrid = Static<typeof CaseSpecialistGrid>;

export const CaseSpecialist = Type.Object({
  caseId: Type.Integer(),
  categoryCode: Type.String(),
  items: Type.Array(CaseSpecialistGrid),
});
export type CaseSpecialist = Static<typeof CaseSpecialist>;

export const BaseParams = Type.Object({ code: GridCode });
export type BaseParams = Static<typeof BaseParams>;

export const BaseQuery = Type.Object(
  { records: Type.Optional(BaseKindSchema) },
  { additionalProperties: false },
);
export type BaseQuery = Static<typeof BaseQuery>;

export const BaseCount = Type.Object({
  kind: BaseKindSchema,
  /** registered total (台账数) */
  count: Type.Integer({ minimum: 0 }),
  /** records held for it (台账明细) */
  recorded: Type.Integer({ minimum: 0 }),
});

export const BaseRecord = Type.Object({
  id: Type.Integer(),
  kind: BaseKindSchema,
  name: Type.String(),
  address: Type.String(),
  detail: Type.String(),
  contactName: Type.Union([Type.String(), Type.Null()]),
  contactPhone: Type.Union([Type.String(), Type.Null()]),
});
export type BaseRecord = Static<typeof BaseRecord>;

export const GridBase = Type.Object({
  gridCode: Type.String(),
  counts: Type.Array(BaseCount),
  /** whether the caller may list the records (?records=KIND) */
  mayReadRecords: Type.Boolean(),
  /** with ?records=KIND: that kind's records (at most BASE_RECORDS_MAX) */
  records: Type.Optional(Type.Array(BaseRecord)),
});
export type GridBase = Static<typeof GridBase>;

export const BASE_RECORDS_MAX = 500;
/** The largest CSV body accepted, in bytes. */
export const BASE_IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

export const BaseImportQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ description: 'true: check the file and report, write nothing (default false)' })) },
  { additionalProperties: false },
);
export type BaseImportQuery = Static<typeof BaseImportQuery>;

export const BaseImportBody = Type.String({ maxLength: BASE_IMPORT_BODY_LIMIT, description: 'CSV (UTF-8) with the header grid_code,kind,name,address,detail,contact_name,contact_phone' });

export const BaseImportResult = Type.Object({
  dryRun: Type.Boolean(),
  rows: Type.Integer({ minimum: 0 }),
  /** (grid, kind) pairs whose records and count the file replaces */
  pairs: Type.Integer({ minimum: 0 }),
  grids: Type.Integer({ minimum: 0 }),
});
export type BaseImportResult = Static<typeof BaseImportResult>;

export const BaseImportRefusal = Type.Object({
  statusCode: Type.Literal(422),
  error: Type.String(),
  message: Type.String(),
  code: Type.Literal('BAD_ROWS'),
  problems: Type.Array(Type.Object({ line: Type.Integer(), column: Type.Union([Type.String(), Type.Null()]), problem: Type.String() })),
  total: Type.Integer(),
});
export type BaseImportRefusal = Static<typeof BaseImportRefusal>;
