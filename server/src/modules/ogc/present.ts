/**
 * The documents of /ogc/: landing page, conformance, collections, queryables (JSON Schema) and the GeoJSON
 * feature collection around the features PostgreSQL rendered, with their links. Absolute URLs under the server's
 * public origin (the routes pass it in).
 */
import type { CollectionDef } from './collections.ts';
import type { Extent } from './repository.ts';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

const CONF = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf';
const CONF3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf';

/** What /ogc/ conforms to, and nothing more (oas30 is not claimed: the API document is OpenAPI 3.1). */
export const CONFORMANCE = [`${CONF}/core`, `${CONF}/geojson`, `${CONF3}/queryables`, `${CONF3}/queryables-query-parameters`] as const;

export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const SCHEMA_JSON = 'application/schema+json';
const OGC_REL = 'http://www.opengis.net/def/rel/ogc/1.0';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** The request's own URL (path and query as given) under this origin, its query optionally changed. */
export function selfUrl(origin: string, requestUrl: string, change: Record<string, string | number | undefined> = {}): string {
  const url = new URL(`${origin}${requestUrl}`);
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) url.searchParams.delete(k);
    else url.searchParams.set(k, String(v));
  }
  return url.toString();
}

export function landing(origin: string) {
  const root = `${origin}/ogc`;
  return {
    title: 'GridCommand OGC API – Features',
    description: '网格化城市治理指挥中心的要素服务：街道、管区、社区、网格、案件公开视图与队伍 Features of the GridCommand command center: streets, zones, communities, grids, the public view of cases and teams',
    links: [
      { href: `${root}/`, rel: 'self', type: JSON_TYPE, title: 'this document' },
      { href: `${origin}/api/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.1', title: 'the API definition (OpenAPI 3.1)' },
      { href: `${origin}/api/docs`, rel: 'service-doc', type: 'text/html', title: 'the API reference page' },
      { href: `${root}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'conformance classes' },
      { href: `${root}/conformance`, rel: `${OGC_REL}/conformance`, type: JSON_TYPE, title: 'conformance classes' },
      { href: `${root}/collections`, rel: 'data', type: JSON_TYPE, title: 'the feature collections' },
      { href: `${root}/collections`, rel: `${OGC_REL}/data`, type: JSON_TYPE, title: 'the feature collections' },
    ] satisfies Link[],
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function collectionDoc(root: string, def: CollectionDef, ext: Extent) {
  const base = `${root}/collections/${def.id}`;
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: {
      spatial: { bbox: ext.bbox ? [ext.bbox] : [[-180, -90, 180, 90]], crs: CRS84 },
      ...(def.temporal ? { temporal: { interval: [[iso(ext.from), iso(ext.to)]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
    },
    links: [
      { href: base, rel: 'self', type: JSON_TYPE, title: def.title },
      { href: `${base}/items`, rel: 'items', type: GEOJSON, title: `${def.title}: features` },
      { href: `${base}/queryables`, rel: `${OGC_REL}/queryables`, type: SCHEMA_JSON, title: `${def.title}: queryables` },
    ] satisfies Link[],
  };
}

export function collectionsDoc(root: string, docs: ReturnType<typeof collectionDoc>[]) {
  return {
    links: [{ href: `${root}/collections`, rel: 'self', type: JSON_TYPE, title: 'the feature collections' }] satisfies Link[],
    collections: docs,
  };
}

/** The collection's queryables as a JSON Schema (Part 3): each one is also an items query parameter. */
export function queryablesDoc(root: string, def: CollectionDef) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${root}/collections/${def.id}/queryables`,
    type: 'object',
    title: def.title,
    description: 'Each property is a query parameter of the items: ?name=value (comma-separated values mean any of them, except for names)',
    properties: Object.fromEntries(
      Object.entries(def.queryables).map(([name, q]) => [name, { title: q.title, type: q.type, ...(q.enum ? { enum: [...q.enum] } : {}) }]),
    ),
    additionalProperties: false,
  };
}

/** The GeoJSON feature collection around rendered features, as text (the features are not parsed again). */
export function featureCollectionText(page: { features: string; returned: number; matched: number }, links: Link[]): string {
  return `{"type":"FeatureCollection","numberMatched":${page.matched},"numberReturned":${page.returned},"timeStamp":${JSON.stringify(new Date().toISOString())},"links":${JSON.stringify(links)},"features":[${page.features}]}`;
}

/** One feature's text with its links added (the links go after the rendered members). */
export function featureText(feature: string, links: Link[]): string {
  return `${feature.slice(0, -1)},"links":${JSON.stringify(links)}}`;
}
