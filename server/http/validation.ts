import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { lazyValidator } from './lazy-schemas.ts';

/**
 * Query strings and paths arrive as text, so they are coerced to the schema's types; JSON bodies
 * are not: `{"limit": "20"}` is a client bug and gets a 400 naming the field, not a silent fix.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Ajv's `integer` lets `Infinity` through and coercion turns `1e308` into a (huge) integer; neither
 * fits a database column (found by fuzzing: `?offset=Infinity` was a 500). Text-borne numbers must
 * be finite, and integers safe.
 */
function unsafeNumbers(data: unknown): ErrorObject[] {
  if (typeof data !== 'object' || data === null) return [];
  const errors: ErrorObject[] = [];
  for (const [key, value] of Object.entries(data)) {
    for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof v === 'number' && (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v)))) {
        errors.push({ keyword: 'maximum', instancePath: `/${key}`, schemaPath: '#', params: {}, message: 'must be a finite number within the safe integer range' });
      }
    }
  }
  return errors;
}

function withSafeNumbers(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    const ok = validate(data);
    const extra = ok ? unsafeNumbers(data) : [];
    wrapped.errors = ok ? (extra.length ? extra : null) : validate.errors;
    return ok && extra.length === 0;
  }) as ValidateFunction;
  return wrapped;
}

/** What Fastify's `compilersFactory.buildValidator` hands out: a route's schema in, its validator out. */
export type RouteValidatorCompiler = (route: { schema: AnySchema; httpPart?: string }) => ValidateFunction;

/** Each schema compiles on its route's first request (lazy-schemas.ts); the Ajv instances with the first of them. */
export function validatorCompiler(): RouteValidatorCompiler {
  let strict: Ajv | undefined;
  let lenient: Ajv | undefined;
  return ({ schema, httpPart }) => lazyValidator(() => (httpPart === 'body'
    ? (strict ??= makeAjv(false)).compile(schema)
    : withSafeNumbers((lenient ??= makeAjv(true)).compile(schema))));
}
