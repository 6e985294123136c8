/** Response shapes of /ogc/ for validation of what is sent and for the API description. */
import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';

const Link = Type.Object(
  { href: Type.String(), rel: Type.String(), type: Type.Optional(Type.String()), title: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const Links = Type.Array(Link);

export const LandingPage = Type.Object({ title: Type.String(), description: Type.String(), links: Links }, { additionalProperties: false });

export const Conformance = Type.Object({ conformsTo: Type.Array(Type.String()) }, { additionalProperties: false });

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Collection = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    description: Type.String(),
    itemType: Type.String(),
    crs: Type.Array(Type.String()),
    storageCrs: Type.String(),
    extent: Type.Object(
      {
        spatial: Type.Object({ bbox: Type.Array(Type.Array(Type.Number())), crs: Type.String() }, { additionalProperties: false }),
        temporal: Type.Optional(
          Type.Object({ interval: Type.Array(Type.Array(Nullable(Type.String()))), trs: Type.String() }, { additionalProperties: false }),
        ),
      },
      { additionalProperties: false },
    ),
    links: Links,
  },
  { additionalProperties: false },
);

export const Collections = Type.Object({ links: Links, collections: Type.Array(Collection) }, { additionalProperties: false });

const Feature = Type.Object(
  {
    type: Type.Literal('Feature'),
    id: Type.Union([Type.String(), Type.Integer()]),
    geometry: Type.Union([Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }), Type.Null()]),
    properties: Type.Record(Type.String(), Type.Unknown()),
    links: Type.Optional(Links),
  },
  { description: 'a GeoJSON feature (coordinates in CRS84, lon/lat)' },
);

const FeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    numberMatched: Type.Integer(),
    numberReturned: Type.Integer(),
    timeStamp: Type.String({ format: 'date-time' }),
    links: Links,
    features: Type.Array(Feature),
  },
  { description: 'a page of GeoJSON features with next / prev links' },
);

// a JSON Schema document itself (with its own $schema and $id members, not spelled here: they would be read as
// keywords of this description)
const QueryablesSchema = Type.Object(
  {
    type: Type.Literal('object'),
    title: Type.String(),
    properties: Type.Record(Type.String(), Type.Object({ title: Type.String(), type: Type.String(), enum: Type.Optional(Type.Array(Type.String())) })),
  },
  { description: 'the queryables as a JSON Schema, draft 2020-12 (OGC API – Features – Part 3)', additionalProperties: true },
);

/** A body this module renders as text itself (GeoJSON, JSON Schema): described with its media types. */
const rendered = (description: string, schema: unknown, ...mimes: string[]) => ({
  description,
  content: Object.fromEntries(mimes.map((m) => [m, { schema }])),
});

export const responses = {
  json: <T>(schema: T) => ({ 200: schema, ...ERROR_RESPONSES }),
  items: { 200: rendered('a page of features', FeatureCollection, 'application/geo+json', 'application/json'), ...ERROR_RESPONSES },
  feature: { 200: rendered('one feature', Feature, 'application/geo+json', 'application/json'), ...ERROR_RESPONSES },
  queryables: { 200: rendered('the queryables', QueryablesSchema, 'application/schema+json', 'application/json'), ...ERROR_RESPONSES },
};
