/**
 * Serves the built client (client/dist) at / and answers unknown page URLs with index.html (SPA routing). The grid
 * worker's phone app is a page of its own at /field/ (field/index.html, with its service worker /field/sw.js):
 * /field redirects there, and unknown URLs below /field/ fall back to its page, not the desk's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Paths that belong to the API: never answered with the SPA page. */
const API_PREFIXES = ['/api/', '/tiles/', '/ogc/', '/open311/'];

export function isApiPath(url: string): boolean {
  const p = url.split('?')[0] ?? url;
  return API_PREFIXES.some((prefix) => p === prefix.slice(0, -1) || p.startsWith(prefix));
}

/** The client's directory when it has been built, else null. */
export function clientRoot(clientDist: string | null): string | null {
  if (!clientDist) return null;
  const root = path.resolve(clientDist);
  return fs.existsSync(path.join(root, 'index.html')) ? root : null;
}

export async function registerClient(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    index: ['index.html'],
    // Cache-Control is set below per file kind
    cacheControl: false,
    // hashed assets may be cached for long; index.html must always be revalidated
    setHeaders(res, filePath) {
      // pages, the service worker and the app manifest are revalidated on every load (a new version is seen at once)
      if (/\.(html|webmanifest)$/.test(filePath) || path.basename(filePath) === 'sw.js' || /workbox-[^/\\]*\.js$/.test(filePath)) {
        res.setHeader('Cache-Control', 'no-cache');
      }
      else if (filePath.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.get('/field', { config: { roles: 'public' } }, async (request, reply) => {
    const q = request.url.indexOf('?');
    return reply.redirect(q >= 0 ? `/field/${request.url.slice(q)}` : '/field/', 301);
  });
}

/** The citizen's pages (/report, /track, /track/<code>) are a page of their own, like the phone app under /field/. */
const CITIZEN_PATHS = /^\/(report|track)(\/|$|\?)/;

function pageFor(url: string): string {
  if (url.startsWith('/field/')) return 'field/index.html';
  if (CITIZEN_PATHS.test(url)) return 'citizen/index.html';
  return 'index.html';
}

/** The SPA fallback used by the not-found handler: GET/HEAD of a page URL that accepts HTML. */
export function spaFallback(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (isApiPath(request.url)) return false;
  const accept = request.headers.accept ?? '';
  if (!accept.includes('text/html')) return false;
  reply.header('Cache-Control', 'no-cache');
  const page = pageFor(request.url);
  void reply.type('text/html; charset=utf-8').sendFile(page);
  return true;
}
