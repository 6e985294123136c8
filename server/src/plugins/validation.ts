/**
 * Request validation with TypeBox, converting query and path strings strictly: "12" is a number, while
 * "", " ", "0x10", "1.5" (for an integer) and repeated parameters stay strings and fail validation,
 * so that bad input is refused instead of being guessed at. Before the schema, every string anywhere in the
 * value is checked to be text PostgreSQL can store: no NUL byte (U+0000) and no lone UTF-16 surrogate; such a
 * request is a 400 like any other validation error, never a database error.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

type Converter = (value: unknown) => unknown;

function scalarConverter(schema: Record<string, unknown>): Converter | null {
  switch (schema.type) {
    case 'number':
      return (v) => (typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v);
    case 'integer':
      return (v) => (typeof v === 'string' && INTEGER.test(v) ? Number(v) : v);
    case 'boolean':
      return (v) => (v === 'true' ? true : v === 'false' ? false : v);
    default:
      return null;
  }
}

/** Builds a converter for a flat object schema (querystring, params, headers). */
function objectConverter(schema: Record<string, unknown>): Converter {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const converters = Object.entries(props)
    .map(([key, s]) => [key, scalarConverter(s)] as const)
    .filter((e): e is readonly [string, Converter] => e[1] !== null);
  if (converters.length === 0) return (v) => v;
  return (value) => {
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, convert] of converters) if (key in out) out[key] = convert(out[key]);
    return out;
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the first string that is not storable text lies, with why; null when every string is fine. */
export function unsafeText(value: unknown, at = '', depth = 0): { path: string; why: string } | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path: at, why: 'must not contain a NUL character (U+0000)' };
    if (LONE_SURROGATE.test(value)) return { path: at, why: 'must be well-formed Unicode (it contains a lone surrogate)' };
    return null;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unsafeText(value[i], `${at}/${i}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (Buffer.isBuffer(value)) return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = unsafeText(k, at, depth + 1);
    if (key) return { path: at, why: `has a field name that ${key.why}` };
    const bad = unsafeText(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const convert: Converter = httpPart === 'body' ? (v) => v : objectConverter(schema as Record<string, unknown>);
  return (value: unknown) => {
    const unsafe = unsafeText(value);
    if (unsafe) {
      const error = { keyword: 'text', instancePath: unsafe.path, schemaPath: '#', params: {}, message: unsafe.why };
      return { error: [error] as unknown as FastifySchemaValidationError[] };
    }
    const converted = convert(value);
    if (check.Check(converted)) return { value: converted };
    return { error: check.Errors(converted) as unknown as FastifySchemaValidationError[] };
  };
};

/**
 * True when every percent-escape of the URL decodes to UTF-8 text (a lone surrogate sent as its three bytes, or any
 * other invalid sequence, does not): such a URL is refused rather than decoded to replacement characters.
 */
export function isWellFormedUrl(url: string): boolean {
  if (!url.includes('%')) return true;
  try {
    decodeURIComponent(url);
    return true;
  } catch {
    return false;
  }
}
