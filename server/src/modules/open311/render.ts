/**
 * Open311 answers in the format the path names: `.json` (application/json) or `.xml` (text/xml, the XML declaration
 * first). JSON is the list itself; XML wraps each item in its element under the root, e.g.
 * <services><service>…</service></services>. Missing values are null in JSON and empty elements in XML.
 */
import type { FastifyReply } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';

export type Format = 'json' | 'xml';

const FILE_RE = /^(.+)\.(json|xml)$/;

/** "HD20261201-000001.json" → { id, format }; null for any other extension. */
export function splitFile(file: string): { id: string; format: Format } | null {
  const m = FILE_RE.exec(file);
  return m ? { id: m[1]!, format: m[2] as Format } : null;
}

/** The format of a request by its path (XML, the format every GeoReport server speaks, when the path names none). */
export function formatOfUrl(url: string): Format {
  const path = url.split('?')[0] ?? url;
  return path.endsWith('.json') ? 'json' : 'xml';
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

// characters XML 1.0 cannot carry at all, even escaped
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

type Plain = string | number | boolean | null | undefined | Plain[] | { [k: string]: Plain };

/** Values for the XML builder: null → empty element, text cleaned of characters XML cannot hold. */
function forXml(v: Plain): unknown {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(NOT_XML, '');
  if (Array.isArray(v)) return v.map(forXml);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forXml(x)]));
  return v;
}

export function toXml(root: string, content: Plain): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [root]: forXml(content) }) as string}`;
}

/** A list: JSON array, or <root><item>…</item>…</root>. */
export function sendList(reply: FastifyReply, format: Format, root: string, item: string, items: readonly Record<string, Plain>[], status = 200): FastifyReply {
  if (format === 'json') return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(items));
  return reply.status(status).type('text/xml; charset=utf-8').send(toXml(root, items.length ? { [item]: items as Plain[] } : ''));
}

/** One object: JSON object, or <root>…</root>. */
export function sendObject(reply: FastifyReply, format: Format, root: string, body: Record<string, Plain>, status = 200): FastifyReply {
  if (format === 'json') return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  return reply.status(status).type('text/xml; charset=utf-8').send(toXml(root, body));
}
