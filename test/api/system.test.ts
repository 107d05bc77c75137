/**
 * The system endpoints over real HTTP (health, metrics, OpenAPI document, docs UI), the secrets in
 * the data folder, and shutdown with clients still connected.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../../shared/api/schemas.ts';
import { accept, call, expectEnvelope, openEvents, postJson, sleep } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { cloudTestMode } from '../helpers/cloud-backends.ts';

let s: TestServer;
let closed = false;

beforeAll(async () => {
  s = await startTestServer();
});

afterAll(async () => {
  if (!closed) await s?.close();
});

describe('GET /health', () => {
  it('answers without a token: database ok, version, uptime, mode', async () => {
    const res = await call<Health>(s, '/api/v1/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ status: 'ok', database: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptime_s: expect.any(Number), mode: s.mode });
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the upload, processing, search, job and HTTP metrics', async () => {
    const { uploadId } = await accept(s, Buffer.from('Metrics test document about lighthouse keepers.\n'), 'metrics.txt');
    await s.waitForUpload(uploadId);
    expect((await postJson(s, '/api/v1/search', { query: 'lighthouse' })).status).toBe(200);
    await call(s, '/api/v1/uploads?limit=abc', { code: 'VALIDATION_ERROR' });

    const res = await s.api('/api/v1/metrics', { token: s.server.token });
    expect(res.status).toBe(200);
    // Only the deployment's token reads them: a user (anyone may sign up in cloud mode) does not.
    const asUser = await s.api('/api/v1/metrics', { token: s.otherToken });
    expect(asUser.status).toBe(401);
    expect(((await asUser.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ['uploads_total', 'processing_duration_seconds', 'search_latency_seconds', 'active_processing_jobs', 'http_requests_total']) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} (counter|histogram|gauge)$`, 'm'));
    }
    expect(text).toMatch(/^uploads_total\{file_type="document",status="completed"\} 1$/m);
    expect(text).toMatch(/^processing_duration_seconds_count\{file_type="document"\} 1$/m);
    expect(text).toMatch(/^search_latency_seconds_count 1$/m);
    expect(text).toMatch(/^active_processing_jobs 0$/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/api\/v1\/upload",status="202"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/api\/v1\/uploads",status="400"\} 1$/m);
    // Labels are route patterns, never raw URLs with ids.
    expect(text).not.toContain(uploadId);
  });
});

describe('GET /api/v1/openapi.json', () => {
  interface Operation { parameters?: { in: string; name: string; required?: boolean }[]; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: unknown }
  let doc: { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown>; schemas?: Record<string, unknown> } };

  beforeAll(async () => {
    const res = await s.api('/api/v1/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as typeof doc;
  });

  it('is an OpenAPI 3 document listing every endpoint', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
    const expected: [string, string][] = [
      ['post', '/api/v1/upload'], ['get', '/api/v1/upload/status/{job_id}'], ['get', '/api/v1/uploads'],
      ['delete', '/api/v1/upload/{upload_id}'], ['post', '/api/v1/upload/{upload_id}/retry'], ['post', '/api/v1/search'],
      ['get', '/api/v1/search/history'], ['get', '/api/v1/file/{id}/{variant}'], ['get', '/api/v1/file/{upload_id}/metadata'],
      ['get', '/api/v1/events'], ['get', '/api/v1/health'], ['get', '/api/v1/metrics'], ['get', '/api/v1/blob'],
    ];
    for (const [method, p] of expected) expect(doc.paths[p]?.[method], `${method.toUpperCase()} ${p}`).toBeDefined();
  });

  it('is well formed: path parameters declared, responses given, schemas valid JSON Schema', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ p, m, op })));
    expect(operations.length).toBeGreaterThanOrEqual(13);
    for (const { p, m, op } of operations) {
      const where = `${m.toUpperCase()} ${p}`;
      expect(['get', 'post', 'put', 'patch', 'delete', 'head', 'options'], where).toContain(m);
      for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!)) {
        expect(op.parameters, where).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'path', name, required: true })]));
      }
      expect(Object.keys(op.responses ?? {}).length, `${where} responses`).toBeGreaterThan(0);
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        for (const media of Object.values(r.content ?? {})) {
          if (media.schema) expect(() => ajv.compile(JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components', '"doc#/components')) as object), `${where} ${status}`).not.toThrow();
        }
      }
    }
    expect(doc.paths['/api/v1/upload']!.post!.requestBody).toMatchObject({ content: { 'multipart/form-data': { schema: { required: ['file'] } } } });
  });
});

describe('GET /api/v1/docs', () => {
  it('serves the interactive documentation page', async () => {
    const res = await s.api('/api/v1/docs', { token: null, redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/swagger/i);
  });
});

describe('the data folder', () => {
  // Cloud mode signs users in with Firebase: there is no token file to guard.
  it.skipIf(cloudTestMode)('holds the token in a file only its owner can read (0600)', async () => {
    const file = path.join(s.dataDir, 'token');
    const stat = await fs.stat(file);
    expect(stat.mode & 0o777).toBe(0o600);
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(s.token);
    expect(s.token.length).toBeGreaterThanOrEqual(32);
    expect((await fs.stat(path.join(s.dataDir, 'signing.key'))).mode & 0o777).toBe(0o600);
  });
});

describe('JSON responses', () => {
  it('carry the envelope on successes and on every kind of error', async () => {
    expectEnvelope((await s.json('/api/v1/uploads')).body, 'success');
    expectEnvelope((await s.json('/api/v1/uploads', { token: null })).body, { code: 'UNAUTHORIZED' });
    expectEnvelope((await s.json('/api/v1/no-such-route')).body, { code: 'NOT_FOUND' });
    expectEnvelope((await s.json('/api/v1/uploads?limit=-1')).body, { code: 'VALIDATION_ERROR' });
    expectEnvelope((await s.json('/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).body, { code: 'VALIDATION_ERROR' });
    expectEnvelope((await s.json('/api/v1/file/3f1c9d2e-7a4b-4c8d-9e0f-112233445566/metadata')).body, { code: 'NOT_FOUND' });
  });
});

describe('shutdown', () => {
  it('does not wait for open event streams or connections that never sent a request', async () => {
    const events = await openEvents(s);
    const { port } = new URL(s.url);
    const idle = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    idle.on('error', () => undefined);
    await sleep(100);

    const started = Date.now();
    closed = true;
    const closing = s.close();
    // The event stream is ended at once (so the page can reconnect later), not cut after the grace period.
    const endedSoon = await Promise.race([events.ended.then(() => true), sleep(1000).then(() => false)]);
    expect(endedSoon, 'event stream ended by the server within 1 s').toBe(true);
    await closing;
    // TROVE_SHUTDOWN_GRACE_MS is 2 s in tests; without the fixes this took until the client gave up (or ~70 s).
    expect(Date.now() - started).toBeLessThan(4500);
    await idleClosed;
    events.close();
  });
});
