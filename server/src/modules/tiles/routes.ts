/** GET /tiles/:layer/:z/:x/:y.mvt (Mapbox vector tiles) and GET /tiles/:layer.json (TileJSON 3.0.0). */
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  ErrorResponse,
  TILE_MAX_ZOOM,
  TileJson,
  TileJsonParams,
  TileParams,
} from '@gridcommand/shared/schemas';
import { badRequest, notFound } from '../../plugins/errors.ts';
import type { TileCache } from './cache.ts';
import {
  ALL_TILE_LAYERS,
  fetchGridTile,
  fetchTile,
  gridLevelStats,
  isTileLayer,
  largestFeatureSize,
  layerExtent,
  layerInfo,
  minFeatureSize,
  type AnyTileLayer,
} from './repository.ts';
import { AGGREGATE_LAYER, AGGREGATE_MAX_ZOOM, gridTileLevel } from './plan.ts';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

function checkLayer(name: string): AnyTileLayer {
  if (!isTileLayer(name)) {
    throw notFound('UNKNOWN_LAYER', `unknown tile layer "${name}"; the layers are ${ALL_TILE_LAYERS.join(', ')}`);
  }
  return name;
}

function acceptsGzip(request: FastifyRequest): boolean {
  const ae = request.headers['accept-encoding'];
  return typeof ae === 'string' && /\bgzip\b(?!;q=0(?:\.0*)?(?:,|$))/.test(ae);
}

export interface TileRoutesOptions {
  cache: TileCache;
  /** Cache-Control max-age for tiles and TileJSON, seconds */
  maxAge: number;
}

const tileRoutes: FastifyPluginAsyncTypebox<TileRoutesOptions> = async (app, opts) => {
  const { cache } = opts;
  const cacheControl = `public, max-age=${opts.maxAge}`;

  app.get(
    '/tiles/:layer/:z/:x/:y.mvt',
    // binary body: no response serializer
    { config: { roles: 'public' }, schema: { params: TileParams, response: { 200: binaryResponse('a Mapbox vector tile', 'application/vnd.mapbox-vector-tile'), 204: { description: 'an empty tile', type: 'null' }, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { z, x, y } = request.params;
      const layer = checkLayer(request.params.layer);
      const n = 2 ** z;
      if (x >= n) throw badRequest('TILE_OUT_OF_RANGE', `tile x must be between 0 and ${n - 1} at zoom ${z} (got ${x})`);
      if (y >= n) throw badRequest('TILE_OUT_OF_RANGE', `tile y must be between 0 and ${n - 1} at zoom ${z} (got ${y})`);

      const key = `${layer}/${z}/${x}/${y}`;
      let tile = cache.get(key);
      if (!tile) {
        const version = cache.version;
        if (layer === 'grid' && z <= AGGREGATE_MAX_ZOOM) {
          // low zooms: grids or their aggregates, one level per zoom (plan.ts)
          const stats = await cache.memo('grid-levels', () => gridLevelStats(app.readPool));
          const level = gridTileLevel(stats, z, minFeatureSize(z));
          tile = cache.set(key, level === null ? null : await fetchGridTile(app.readPool, level, z, x, y), version);
        } else {
          // zooms at which even the layer's largest feature is too small to draw are empty without a query
          const largest = await cache.memo(`largest:${layer}`, () => largestFeatureSize(app.readPool, layer));
          tile = cache.set(key, largest < minFeatureSize(z) ? null : await fetchTile(app.readPool, layer, z, x, y), version);
        }
      }

      reply.header('Cache-Control', cacheControl).header('Vary', 'Accept-Encoding');
      if (!tile.raw) return reply.status(204).send(null);
      reply.type(MVT_TYPE);
      if (acceptsGzip(request)) {
        return reply.header('Content-Encoding', 'gzip').send(cache.gzipOf(key, tile));
      }
      return reply.send(tile.raw);
    },
  );

  app.get(
    '/tiles/:layer.json',
    { config: { roles: 'public' }, schema: { params: TileJsonParams, response: { 200: TileJson, ...errors } } },
    async (request, reply) => {
      const layer = checkLayer(request.params.layer);
      const extent = await layerExtent(app.readPool, layer);
      if (!extent) throw notFound('EMPTY_LAYER', `tile layer "${layer}" holds no feature`);
      // from configuration or a trusted proxy, never the Host a client names (the answer is cacheable)
      const origin = app.publicOrigin(request);
      const def = layerInfo(layer);
      const [minLon, minLat, maxLon, maxLat] = extent.bounds;
      // the zoom at which the layer's extent about fills a 512-pixel view
      const span = Math.max(maxLon - minLon, (maxLat - minLat) * 1.3, 1e-6);
      const zoom = Math.max(0, Math.min(TILE_MAX_ZOOM, Math.floor(Math.log2(360 / span))));
      reply.header('Cache-Control', cacheControl);
      return {
        tilejson: '3.0.0' as const,
        name: layer,
        description: def.description,
        scheme: 'xyz' as const,
        tiles: [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`],
        vector_layers: [
          { id: layer, description: def.description, fields: def.fields, minzoom: 0, maxzoom: TILE_MAX_ZOOM },
          ...(layer === 'grid'
            ? [{
                id: AGGREGATE_LAYER,
                description: `Where grids are too small or too many to draw (z0–${AGGREGATE_MAX_ZOOM}): the community, street or district holding them; its code is the prefix of their codes`,
                fields: { code: 'String', name: 'String', level: 'String' },
                minzoom: 0,
                maxzoom: AGGREGATE_MAX_ZOOM,
              }]
            : []),
        ],
        minzoom: 0,
        maxzoom: TILE_MAX_ZOOM,
        bounds: extent.bounds,
        center: [extent.center[0], extent.center[1], zoom] as [number, number, number],
      };
    },
  );
};

export default tileRoutes;
