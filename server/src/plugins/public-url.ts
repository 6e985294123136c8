/**
 * The public origin of this server, for absolute URLs handed out in cacheable answers (TileJSON tile URLs).
 *
 * Never the request's Host as it came: a client could name any host and a shared cache would keep the answer.
 * In order:
 *   1. GC_PUBLIC_URL when it is configured;
 *   2. when the peer is a trusted proxy (GC_TRUST_PROXY): the protocol and host it forwards (X-Forwarded-Proto,
 *      X-Forwarded-Host, else the Host it sent);
 *   3. the Host of the request when it names this machine (localhost, a loopback address or an address of one of
 *      its network interfaces) on the configured port, the port the request came in on, or none: such a URL leads back
 *      to this server;
 *   4. otherwise http://localhost:PORT, with a warning once per host that GC_PUBLIC_URL should be set.
 */
import os from 'node:os';
import net from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { proxyTrust, type Config } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** the origin (with GC_PUBLIC_URL's path prefix) of absolute URLs for this request: see plugins/public-url.ts */
    publicOrigin(request: FastifyRequest): string;
  }
}

/** Addresses of this machine's interfaces, read at most every 30 s (interfaces come and go). */
let ownAddresses: { at: number; set: Set<string> } | null = null;
function machineAddresses(): Set<string> {
  const now = Date.now();
  if (!ownAddresses || now - ownAddresses.at > 30_000) {
    const set = new Set<string>();
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) set.add(a.address.toLowerCase());
    }
    ownAddresses = { at: now, set };
  }
  return ownAddresses.set;
}

/** hostname and port of a Host header value, or null when it is not a plain host[:port]. */
export function splitHost(host: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
  if (!m) return null;
  return { name: m[1]!.replace(/^\[|\]$/g, '').toLowerCase(), port: m[2] ?? null };
}

/** True when a Host names this machine itself, on one of the given ports (the configured one, the socket's) or none. */
export function namesThisMachine(host: string, ports: readonly (number | undefined)[]): boolean {
  const h = splitHost(host);
  if (!h) return false;
  if (h.port !== null && !ports.includes(Number(h.port))) return false;
  if (h.name === 'localhost') return true;
  const v = net.isIP(h.name);
  if (v === 0) return false;
  if (v === 4 ? h.name.startsWith('127.') : h.name === '::1') return true;
  return machineAddresses().has(h.name);
}

async function publicUrlPlugin(app: FastifyInstance, opts: { config: Config }): Promise<void> {
  const { publicUrl, port } = opts.config;
  const trusted = proxyTrust(opts.config.trustProxy);
  const fallback = `http://localhost:${port}`;
  const warned = new Set<string>();

  app.decorate('publicOrigin', (request: FastifyRequest): string => {
    if (publicUrl) return publicUrl;
    const peer = request.raw.socket?.remoteAddress;
    if (peer && trusted(peer, 0) && splitHost(request.host)) return `${request.protocol}://${request.host}`;
    const host = request.headers.host;
    if (typeof host === 'string' && namesThisMachine(host, [port, request.raw.socket?.localPort])) return `${request.protocol}://${host}`;
    const shown = typeof host === 'string' ? host.slice(0, 100) : '(none)';
    if (warned.size < 100 && !warned.has(shown)) {
      warned.add(shown);
      request.log.warn(`absolute URLs for Host ${JSON.stringify(shown)} use ${fallback}: set GC_PUBLIC_URL to this server's public URL`);
    }
    return fallback;
  });
}

export default fp(publicUrlPlugin, { name: 'gc-public-url' });
