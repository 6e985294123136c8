import { Type, type Static } from 'typebox';

export const Department = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
});
export type Department = Static<typeof Department>;

export const LimitUnit = Type.Union([Type.Literal('hours'), Type.Literal('working_days')]);

export const Category = Type.Object({
  code: Type.String({ description: '5 digits: 2-digit major class + 3-digit minor class' }),
  majorCode: Type.String(),
  majorName: Type.String(),
  majorNameEn: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  departmentCode: Type.String(),
  respondLimit: Type.Number(),
  respondUnit: LimitUnit,
  resolveLimit: Type.Number(),
  resolveUnit: LimitUnit,
  redFactor: Type.Number(),
  warnRatio: Type.Number(),
  closingCondition: Type.String(),
});
export type Category = Static<typeof Category>;

export const CategoryListQuery = Type.Object({
  major: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
}, { additionalProperties: false });

export const CategoryList = Type.Object({ items: Type.Array(Category) });
export const DepartmentList = Type.Object({ items: Type.Array(Department) });
