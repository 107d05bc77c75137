import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { FastifyServerOptions } from 'fastify';

/**
 * Each route's schemas are compiled on its first request instead of at start-up. Fastify compiles
 * every route's request validators (Ajv) and response serializers (fast-json-stringify, which runs
 * Ajv again for its anyOf branches) while the app gets ready: ~0.4 s of CPU for Trove's routes at
 * every start (~10 % of a reopened start in a CPU profile), before the first search can be
 * answered, mostly for routes a session never calls. The cost: a schema Ajv or fast-json-stringify
 * rejects fails its route's first request (500) instead of the start; the API tests call every route.
 */
export function lazyValidator(compile: () => ValidateFunction): ValidateFunction {
  let validate: ValidateFunction | undefined;
  const lazy = ((data: unknown) => {
    validate ??= compile();
    const ok = validate(data);
    lazy.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  return lazy;
}

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

/**
 * Fastify's own response serializer factory (the one it loads when given none), resolved from
 * Fastify's location so it is the version Fastify expects; each route's serializer is compiled on
 * its first response, and fast-json-stringify itself loads with the first one.
 */
export function lazySerializerFactory(): SerializerFactory {
  let selector: (() => SerializerFactory) | undefined;
  const load = (): (() => SerializerFactory) => {
    const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
    return fromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory;
  };
  return (externalSchemas, options) => {
    let compiler: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => {
        compiler ??= (selector ??= load())()(externalSchemas, options);
        serialize ??= compiler(route);
        return serialize(data);
      };
    };
  };
}
