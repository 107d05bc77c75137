/**
 * Route schemas compile on each route's first request (server/http/lazy-schemas.ts), with a real
 * Fastify and the real Ajv and fast-json-stringify: nothing compiles while the app gets ready, a
 * broken schema fails only its own route, and validation and serialization behave as before.
 */
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazySerializerFactory, lazyValidator } from '../../../server/http/lazy-schemas.ts';
import { validatorCompiler } from '../../../server/http/validation.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(): FastifyInstance {
  // As server/http/app.ts builds its app.
  const validator = validatorCompiler();
  const a = Fastify({ schemaController: { compilersFactory: { buildValidator: () => validator, buildSerializer: lazySerializerFactory() } } });
  const body = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 } }, additionalProperties: false };
  const response = { 200: { type: 'object', properties: { name: { type: 'string' }, count: { type: 'integer' } } } };
  a.post('/ok', { schema: { body, response } }, async (req) => ({ name: (req.body as { name: string }).name, count: 3, secret: 'not in the schema' }));
  a.get('/query', { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } }, response } }, async (req) => ({ name: 'q', count: (req.query as { n: number }).n }));
  // Schemas neither compiler accepts (a $ref to nothing): eager compilation would fail the whole start.
  a.post('/bad-body', { schema: { body: { $ref: '#/definitions/missing' } } }, async () => ({}));
  a.get('/bad-response', { schema: { response: { 200: { type: 'object', properties: { x: { $ref: '#/definitions/missing' } } } } } }, async () => ({ x: 1 }));
  return a;
}

describe('lazy route schemas', () => {
  it('compiles a validator on its first call only, and passes its errors on', () => {
    let compiled = 0;
    const validate = lazyValidator(() => {
      compiled++;
      return new Ajv().compile({ type: 'integer' });
    });
    expect(compiled).toBe(0);
    expect(validate('x')).toBe(false);
    expect(validate.errors?.[0]?.message).toBe('must be integer');
    expect(validate(4)).toBe(true);
    expect(validate.errors).toBeNull();
    expect(compiled).toBe(1);
  });

  it('gets ready with schemas that do not compile; each fails only its own route', async () => {
    app = build();
    await app.ready();
    const bad = await app.inject({ method: 'POST', url: '/bad-body', payload: {} });
    expect(bad.statusCode).toBe(500);
    expect((await app.inject({ method: 'GET', url: '/bad-response' })).statusCode).toBe(500);
    // The other routes are untouched.
    const ok = await app.inject({ method: 'POST', url: '/ok', payload: { name: 'kite' } });
    expect(ok.statusCode).toBe(200);
  });

  it('validates and serializes as before: 400 with the field, coercion of query strings, undeclared fields dropped', async () => {
    app = build();
    await app.ready();
    const invalid = await app.inject({ method: 'POST', url: '/ok', payload: { name: 'k' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ message: string }>().message).toMatch(/name.*fewer than 2 characters/);
    const extra = await app.inject({ method: 'POST', url: '/ok', payload: { name: 'kite', more: 1 } });
    expect(extra.statusCode).toBe(400);
    const ok = await app.inject({ method: 'POST', url: '/ok', payload: { name: 'kite' } });
    expect(ok.body).toBe('{"name":"kite","count":3}');
    const again = await app.inject({ method: 'POST', url: '/ok', payload: { name: 'owl' } });
    expect(again.body).toBe('{"name":"owl","count":3}');
    expect((await app.inject({ method: 'GET', url: '/query?n=7' })).body).toBe('{"name":"q","count":7}');
    expect((await app.inject({ method: 'GET', url: '/query?n=seven' })).statusCode).toBe(400);
  });
});
