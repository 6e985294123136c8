import { Type, type Static } from 'typebox';

export const LocateQuery = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
}, { additionalProperties: false });
export type LocateQuery = Static<typeof LocateQuery>;

export const LocatedArea = Type.Object({
  code: Type.String(),
  name: Type.String(),
  displayCode: Type.Optional(Type.String()),
});
export type LocatedArea = Static<typeof LocatedArea>;

export const LocateResponse = Type.Object({
  grid: LocatedArea,
  community: LocatedArea,
  zone: LocatedArea,
  street: LocatedArea,
  district: LocatedArea,
});
export type LocateResponse = Static<typeof LocateResponse>;
