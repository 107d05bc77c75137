import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Query strings and paths arrive as text, so they are coerced to the schema's types; JSON bodies
 * are not: `{"limit": "20"}` is a client bug and gets a 400 naming the field, not a silent fix.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<AnySchema> {
  const strict = makeAjv(false);
  const lenient = makeAjv(true);
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema);
}
