/**
 * Schema-derived inputs for the fuzzer (server/test/fuzz.test.ts): from the JSON Schemas of the OpenAPI document,
 * a valid-looking value of each schema (fast-check arbitraries, so `pattern`s are honoured) and the classes of bad
 * values people and attackers send, each marked with whether the API must refuse it.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Schema {
  type?: string | string[];
  enum?: Json[];
  const?: Json;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: Schema | Schema[];
  prefixItems?: Schema[];
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  [key: string]: unknown;
}

/** Follows `$ref`s into the document's components and merges `allOf`. */
export function resolver(components: Record<string, Schema>) {
  const resolve = (s: Schema | undefined): Schema => {
    if (!s) return {};
    if (s.$ref) {
      const name = s.$ref.replace(/^#\/components\/schemas\//, '');
      return resolve(components[name]);
    }
    if (s.allOf) {
      const parts = s.allOf.map(resolve);
      return {
        ...Object.assign({}, ...parts),
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
      };
    }
    return s;
  };
  return resolve;
}

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** Is this a string schema meant to hold a calendar date or an instant? */
export function isDateLike(s: Schema, name: string): boolean {
  if (s.format === 'date' || s.format === 'date-time') return true;
  if (s.pattern && /\\d\{4\}-/.test(s.pattern)) return true;
  return typesOf(s).includes('string') && /^(from|to|since|at|start|end|date|day|start_date|end_date|reviewDate|(.*At))$/.test(name) && !s.enum;
}

/** A valid-looking value of `s` (from its type, enum, pattern, bounds); `sample` overrides by field name. */
export function arbitraryOf(
  s0: Schema,
  resolve: (s: Schema) => Schema,
  name = '',
  sample: (name: string, s: Schema) => Json | undefined = () => undefined,
  depth = 0,
): fc.Arbitrary<Json> {
  const s = resolve(s0);
  const known = sample(name, s);
  if (known !== undefined) return fc.constant(known);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const nonNull = alternatives.map(resolve).filter((a) => !typesOf(a).includes('null') || typesOf(a).length > 1);
    return fc.oneof(...(nonNull.length ? nonNull : alternatives).map((a) => arbitraryOf(a, resolve, name, sample, depth + 1)));
  }
  const type = typesOf(s).find((t) => t !== 'null') ?? (s.properties ? 'object' : 'string');
  switch (type) {
    case 'integer': {
      const min = Math.ceil(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1));
      const max = Math.floor(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : Math.max(min, 1000)));
      return fc.integer({ min, max: Math.min(max, min + 1000) });
    }
    case 'number': {
      const min = s.minimum ?? 0;
      const max = s.maximum ?? Math.max(min, 1000);
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : null;
      if (items) return fc.tuple(...items.map((i) => arbitraryOf(i, resolve, name, sample, depth + 1))) as fc.Arbitrary<Json>;
      const min = s.minItems ?? 0;
      if (depth > 4) return fc.constant([]);
      return fc.array(arbitraryOf((s.items as Schema) ?? {}, resolve, name, sample, depth + 1), {
        minLength: min,
        maxLength: Math.min(s.maxItems ?? min + 2, min + 2),
      }) as fc.Arbitrary<Json>;
    }
    case 'object': {
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) if (required.has(k) || depth < 3) record[k] = arbitraryOf(v, resolve, k, sample, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) }) as fc.Arbitrary<Json>;
    }
    default: {
      if (s.format === 'date') return fc.constant('2026-11-20');
      if (s.format === 'date-time' || isDateLike(s, name)) {
        return s.pattern && !new RegExp(s.pattern).test('2026-11-20T08:30:00+08:00') ? fc.constant('2026-11-20') : fc.constant('2026-11-20T08:30:00+08:00');
      }
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? 1e6));
      const min = Math.max(s.minLength ?? 1, 1);
      return fc.string({ minLength: min, maxLength: Math.min(s.maxLength ?? min + 12, min + 12), unit: 'grapheme' }).filter((v) => v.trim().length > 0);
    }
  }
}

/** One bad value: what it is, the value, and whether the API must refuse it (4xx) or only not fail (no 5xx). */
export interface BadValue {
  kind: string;
  value: Json;
  /** when true, a 2xx is a finding too */
  refuse: boolean;
}

const MEGA = 'x'.repeat(1_048_576);

/**
 * The bad values for a field of schema `s` named `name`, sent in `where` (query and path values are strings on the
 * wire). `required` says whether the field must be there (whitespace-only text must be refused then).
 */
export function badValues(s0: Schema, resolve: (s: Schema) => Schema, name: string, where: 'query' | 'path' | 'body', required: boolean): BadValue[] {
  const s = resolve(s0);
  const types = typesOf(s);
  const alternatives = (s.anyOf ?? s.oneOf ?? []).map(resolve);
  const allTypes = new Set([...types, ...alternatives.flatMap(typesOf)]);
  const enumerated = Boolean(s.enum || alternatives.every((a) => a.const !== undefined || a.enum)) && (s.enum !== undefined || alternatives.length > 0);
  const isString = allTypes.has('string') || (!allTypes.size && !s.properties && !s.enum && !alternatives.length);
  const isInteger = allTypes.has('integer');
  const isNumber = isInteger || allTypes.has('number');
  const out: BadValue[] = [
    { kind: 'NUL byte', value: 'a\u0000b', refuse: true },
    { kind: 'lone surrogate', value: 'a\uD800b', refuse: true },
  ];
  if (isString && !enumerated) {
    out.push({ kind: '1 MB string', value: MEGA, refuse: where !== 'body' || s.maxLength !== undefined });
    out.push({ kind: 'whitespace only', value: ' \t ', refuse: required || Boolean(s.pattern) || (s.minLength ?? 0) > 0 });
  }
  if (isNumber) {
    out.push({ kind: 'beyond int4', value: where === 'body' ? 2147483648 : '2147483648', refuse: isInteger || s.maximum !== undefined });
    out.push({ kind: 'beyond int8', value: where === 'body' ? 9.3e18 : '9223372036854775808', refuse: isInteger || s.maximum !== undefined });
    out.push({ kind: 'huge float', value: where === 'body' ? 1e308 : '1e308', refuse: s.maximum !== undefined });
    out.push({ kind: 'negative', value: where === 'body' ? -1 : '-1', refuse: (s.minimum ?? -Infinity) >= 0 });
    if (isInteger) out.push({ kind: 'non-integer', value: where === 'body' ? 1.5 : '1.5', refuse: true });
    out.push({ kind: 'NaN text', value: 'NaN', refuse: true });
  }
  if (isString && isDateLike(s, name)) {
    out.push({ kind: 'impossible date', value: '2099-02-30', refuse: true });
    out.push({ kind: 'impossible date-time', value: '2027-02-30T08:00:00+08:00', refuse: true });
    out.push({ kind: 'year 0000', value: '0000-01-01T00:00:00Z', refuse: true });
    out.push({ kind: 'year 0000 date', value: '0000-06-15', refuse: true });
  }
  if (where === 'body') {
    if (!allTypes.has('object')) out.push({ kind: 'object for a scalar', value: { a: 1 }, refuse: true });
    if (!allTypes.has('array')) out.push({ kind: 'array for a scalar', value: ['a', 'b'], refuse: true });
    if (!isString && !enumerated) out.push({ kind: 'string for a non-string', value: 'text', refuse: true });
    if (isString || enumerated) out.push({ kind: 'number for a string', value: 12, refuse: !isNumber });
    out.push({ kind: 'boolean', value: true, refuse: !allTypes.has('boolean') });
    if (!allTypes.has('null')) out.push({ kind: 'null', value: null, refuse: true });
  } else {
    out.push({ kind: 'empty', value: '', refuse: where === 'path' || Boolean(isNumber || enumerated || s.pattern) });
  }
  return out;
}
