/**
 * Request validation with TypeBox, converting query and path strings strictly: "12" is a number, while
 * "", " ", "0x10", "1.5" (for an integer) and repeated parameters stay strings and fail validation,
 * so that bad input is refused instead of being guessed at.
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

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const convert: Converter = httpPart === 'body' ? (v) => v : objectConverter(schema as Record<string, unknown>);
  return (value: unknown) => {
    const converted = convert(value);
    if (check.Check(converted)) return { value: converted };
    return { error: check.Errors(converted) as unknown as FastifySchemaValidationError[] };
  };
};
