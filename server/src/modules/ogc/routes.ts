/**
 * OGC API – Features under /ogc (docs/ogc.md): Part 1 core + GeoJSON, Part 3 queryables as query parameters.
 *   GET /ogc/                                         landing page
 *   GET /ogc/conformance                              conformance classes
 *   GET /ogc/collections                              the collections this caller may see
 *   GET /ogc/collections/{collectionId}               one collection
 *   GET /ogc/collections/{collectionId}/queryables    its queryables (JSON Schema)
 *   GET /ogc/collections/{collectionId}/items         a page of features (bbox, datetime, limit, offset, filters)
 *   GET /ogc/collections/{collectionId}/items/{featureId}
 * Every route is public; the teams collection exists only for admins, dispatchers and leaders (404 to others).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { badRequest, errorBody, notFound } from '../../plugins/errors.ts';
import { publicSettings } from '../public/settings.ts';
import { collectionFor, visibleCollections, type CollectionDef } from './collections.ts';
import { DEFAULT_LIMIT, ItemsQuery, parseBbox, parseDatetime, parseFilters, PlainQuery, type ItemsQueryInput } from './params.ts';
import {
  CONFORMANCE,
  collectionDoc,
  collectionsDoc,
  featureCollectionText,
  featureText,
  GEOJSON,
  JSON_TYPE,
  landing,
  queryablesDoc,
  SCHEMA_JSON,
  selfUrl,
  type Link,
} from './present.ts';
import * as repo from './repository.ts';
import { Collection, Collections, Conformance, LandingPage, responses } from './schemas.ts';

const CollectionParams = Type.Object({ collectionId: Type.String({ minLength: 1, maxLength: 50 }) }, { additionalProperties: false });
const FeatureParams = Type.Object(
  { collectionId: Type.String({ minLength: 1, maxLength: 50 }), featureId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

const publicRoute = { config: { roles: 'public' as const } };

const ogcRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // unknown paths under /ogc answer in the one error shape (never the client's page)
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody(404, `no resource ${request.url.split('?')[0]}`, 'NO_ROUTE')));

  /** The caller's role when logged in (sessions and wall tokens), null when anonymous. */
  const roleOf = async (request: FastifyRequest) => (await app.authenticate(request))?.role ?? null;

  const collectionOf = async (request: FastifyRequest, reply: FastifyReply, id: string): Promise<CollectionDef> => {
    const def = collectionFor(id, await roleOf(request));
    if (!def) throw notFound('NO_COLLECTION', `no collection "${id}"; GET /ogc/collections lists them`);
    // a collection for some roles only is never kept by shared caches
    if (def.roles) reply.header('cache-control', 'private, no-store');
    return def;
  };

  /** Absolute URLs: the server's public origin (plugins/public-url.ts), never a Host the caller made up. */
  const originOf = (request: FastifyRequest): string => app.publicOrigin(request);
  const rootOf = (request: FastifyRequest) => `${originOf(request)}/ogc`;
  const selfOf = (request: FastifyRequest, change?: Record<string, string | number | undefined>) => selfUrl(originOf(request), request.url, change);

  const sensitive = async () => (await publicSettings(app.pool)).sensitiveMajors;

  app.get('/', { ...publicRoute, schema: { querystring: PlainQuery, response: responses.json(LandingPage) } }, async (request) => landing(originOf(request)));

  app.get('/conformance', { ...publicRoute, schema: { querystring: PlainQuery, response: responses.json(Conformance) } }, async () => ({ conformsTo: [...CONFORMANCE] }));

  app.get('/collections', { ...publicRoute, schema: { querystring: PlainQuery, response: responses.json(Collections) } }, async (request, reply) => {
    const root = rootOf(request);
    const majors = await sensitive();
    const defs = visibleCollections(await roleOf(request));
    const ext = await repo.extents(app.readPool, defs, majors);
    const docs = defs.map((d, i) => collectionDoc(root, d, ext[i]!));
    reply.header('vary', 'cookie, authorization');
    return collectionsDoc(root, docs);
  });

  app.get(
    '/collections/:collectionId',
    { ...publicRoute, schema: { params: CollectionParams, querystring: PlainQuery, response: responses.json(Collection) } },
    async (request, reply) => {
      const def = await collectionOf(request, reply, request.params.collectionId);
      const [ext] = await repo.extents(app.readPool, [def], await sensitive());
      return collectionDoc(rootOf(request), def, ext!);
    },
  );

  app.get(
    '/collections/:collectionId/queryables',
    { ...publicRoute, schema: { params: CollectionParams, querystring: PlainQuery, response: responses.queryables } },
    async (request, reply) => {
      const def = await collectionOf(request, reply, request.params.collectionId);
      return reply.type(SCHEMA_JSON).send(JSON.stringify(queryablesDoc(rootOf(request), def)));
    },
  );

  app.get(
    '/collections/:collectionId/items',
    { ...publicRoute, schema: { params: CollectionParams, querystring: ItemsQuery, response: responses.items } },
    async (request, reply) => {
      const def = await collectionOf(request, reply, request.params.collectionId);
      const query = request.query as ItemsQueryInput;
      if (query.datetime !== undefined && !def.temporal) {
        throw badRequest('NO_TEMPORAL', `collection ${def.id} has no time: datetime applies to cases (reported time) and teams (position time) only`);
      }
      const q: repo.ItemsQuery = {
        bbox: query.bbox !== undefined ? parseBbox(query.bbox) : undefined,
        interval: query.datetime !== undefined ? parseDatetime(query.datetime) : undefined,
        filters: parseFilters(def, query),
        limit: query.limit ?? DEFAULT_LIMIT,
        offset: query.offset ?? 0,
      };
      const page = await repo.items(app.readPool, def, q, await sensitive());
      const links: Link[] = [
        { href: selfOf(request), rel: 'self', type: GEOJSON, title: 'this page' },
        { href: selfOf(request, { f: 'json' }), rel: 'alternate', type: JSON_TYPE, title: 'this page as application/json' },
        { href: `${rootOf(request)}/collections/${def.id}`, rel: 'collection', type: JSON_TYPE, title: def.title },
      ];
      if (q.offset + page.returned < page.matched && page.returned > 0) {
        links.push({ href: selfOf(request, { offset: q.offset + page.returned, limit: q.limit }), rel: 'next', type: GEOJSON, title: 'the next page' });
      }
      if (q.offset > 0) {
        links.push({ href: selfOf(request, { offset: Math.max(0, q.offset - q.limit) || undefined, limit: q.limit }), rel: 'prev', type: GEOJSON, title: 'the previous page' });
      }
      return reply.type(query.f === 'json' ? JSON_TYPE : GEOJSON).send(featureCollectionText(page, links));
    },
  );

  app.get(
    '/collections/:collectionId/items/:featureId',
    { ...publicRoute, schema: { params: FeatureParams, querystring: PlainQuery, response: responses.feature } },
    async (request, reply) => {
      const def = await collectionOf(request, reply, request.params.collectionId);
      const { featureId } = request.params;
      const f = await repo.feature(app.readPool, def, featureId, await sensitive());
      if (!f) throw notFound('NO_FEATURE', `collection ${def.id} has no feature "${featureId}"`);
      const root = rootOf(request);
      const links: Link[] = [
        { href: selfOf(request), rel: 'self', type: GEOJSON, title: 'this feature' },
        { href: selfOf(request, { f: 'json' }), rel: 'alternate', type: JSON_TYPE, title: 'this feature as application/json' },
        { href: `${root}/collections/${def.id}`, rel: 'collection', type: JSON_TYPE, title: def.title },
      ];
      return reply.type(request.query.f === 'json' ? JSON_TYPE : GEOJSON).send(featureText(f, links));
    },
  );
};

export default ogcRoutes;
