/**
 * The XML of the public alerts, built with fast-xml-parser's XMLBuilder (it escapes text and attributes): one CAP 1.2
 * message (urn:oasis:names:tc:emergency:cap:1.2, elements in the schema's order) and the Atom 1.0 feed of the latest
 * messages. Characters XML 1.0 cannot carry are dropped first.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { LOCALES } from '@gridcommand/shared/domain';
import type { CapMessage, Feed } from './service.ts';
import { messagePath, senderName, uuidOf } from './service.ts';

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const CAP_MIME = 'application/cap+xml';
export const ATOM_MIME = 'application/atom+xml';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });

// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text XML 1.0 can carry: control characters, lone surrogates and U+FFFE/U+FFFF removed. */
export function xmlText(s: string): string {
  return s.replace(NOT_XML, '');
}

type Node = Record<string, unknown>;

/** Drops nulls and cleans every string, keeping the key order (the schema's sequence). */
function clean(v: unknown): unknown {
  if (typeof v === 'string') return xmlText(v);
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') {
    const out: Node = {};
    for (const [k, x] of Object.entries(v as Node)) if (x !== null && x !== undefined) out[k] = clean(x);
    return out;
  }
  return v;
}

function xml(doc: Node): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, ...(clean(doc) as Node) });
}

function capInfo(m: CapMessage, locale: (typeof LOCALES)[number]): Node {
  const t = m.texts[locale];
  return {
    language: locale,
    category: m.category,
    event: m.event[locale],
    responseType: m.responseType,
    urgency: m.urgency,
    severity: m.severity,
    certainty: m.certainty,
    eventCode: { valueName: 'gridcommand:category', value: m.categoryCode },
    senderName: m.senderName[locale],
    headline: t.headline,
    description: t.description,
    instruction: t.instruction,
    area: {
      areaDesc: m.areaDesc,
      polygon: m.polygons.length > 0 ? m.polygons : null,
      geocode: [
        { valueName: 'gridcommand:grid', value: m.gridCode },
        ...(m.streetCode ? [{ valueName: 'gridcommand:street', value: m.streetCode }] : []),
      ],
    },
  };
}

/** One CAP 1.2 message: an info block in zh-CN, then one in English. */
export function capXml(m: CapMessage): string {
  return xml({
    alert: {
      '@_xmlns': CAP_NS,
      identifier: m.identifier,
      sender: m.sender,
      sent: m.sent,
      status: m.status,
      msgType: m.msgType,
      scope: m.scope,
      note: m.note,
      references: m.references,
      incidents: m.incidents,
      info: LOCALES.map((l) => capInfo(m, l)),
    },
  });
}

/** The Atom 1.0 feed: newest first, each entry linking to its CAP message; CAP's key fields ride along as cap:*. */
export function atomXml(f: Feed, origin: string, selfUrl: string, now: Date): string {
  const name = senderName(f.district)['zh-CN'];
  const updated = f.messages[0]?.sent ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return xml({
    feed: {
      '@_xmlns': ATOM_NS,
      '@_xmlns:cap': CAP_NS,
      '@_xml:lang': 'zh-CN',
      id: uuidOf(`feed:${f.district.code}`),
      title: `${f.district.name} 特急事件公共预警 (CAP 1.2) · Emergency alerts`,
      subtitle: '特急案件的立案、处置与结案通报：仅含类别、地点（网格）与状态。Category, place (grid) and state of emergency cases only.',
      updated,
      author: { name },
      link: [
        { '@_rel': 'self', '@_type': ATOM_MIME, '@_href': selfUrl },
        { '@_rel': 'alternate', '@_type': 'application/json', '@_href': `${origin}/api/alerts.json` },
      ],
      entry: f.messages.map((m) => ({
        id: uuidOf(m.identifier),
        title: m.texts['zh-CN'].headline,
        updated: m.sent,
        published: m.sent,
        link: { '@_rel': 'alternate', '@_type': CAP_MIME, '@_href': `${origin}${messagePath(m)}` },
        category: { '@_term': m.category, '@_label': m.event['zh-CN'] },
        summary: m.texts['zh-CN'].description,
        'cap:identifier': m.identifier,
        'cap:sender': m.sender,
        'cap:sent': m.sent,
        'cap:status': m.status,
        'cap:msgType': m.msgType,
        'cap:event': m.event['zh-CN'],
        'cap:urgency': m.urgency,
        'cap:severity': m.severity,
        'cap:certainty': m.certainty,
        'cap:areaDesc': m.areaDesc,
      })),
    },
  });
}
