import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebUi, resolveInside, WEB_UI_CSP, webUiCsp } from '../../../server/http/web-ui.ts';

let root: string;
let outside: string;
let app: FastifyInstance;

async function appFor(dir: string): Promise<FastifyInstance> {
  const a: FastifyInstance = Fastify();
  a.get('/api/v1/health', async () => ({ ok: true }));
  a.setNotFoundHandler((req, reply) => reply.status(404).send({ status: 'error', error: { code: 'NOT_FOUND', message: `No route ${req.url}` } }));
  await registerWebUi(a, { root: dir, log: a.log });
  return a;
}

beforeAll(async () => {
  const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'trove-webui-')));
  root = path.join(base, 'renderer');
  outside = path.join(base, 'secret.txt');
  await fs.mkdir(path.join(root, 'assets'), { recursive: true });
  await fs.writeFile(path.join(root, 'index.html'), '<!doctype html><title>Trove</title>');
  await fs.writeFile(path.join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
  await fs.writeFile(path.join(root, '.env'), 'TOP-SECRET-CONTENT');
  await fs.writeFile(outside, 'TOP-SECRET-CONTENT');
  await fs.symlink(outside, path.join(root, 'assets', 'link.txt'));
  app = await appFor(root);
});

afterAll(async () => {
  await app?.close();
  await fs.rm(path.dirname(root), { recursive: true, force: true });
});

describe('web UI static files', () => {
  it('serves index.html at / with the strict page policy and no caching', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(WEB_UI_CSP);
    expect(WEB_UI_CSP).toContain("default-src 'self'");
    expect(WEB_UI_CSP).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>Trove</title>');
  });

  it('serves hashed assets as immutable, with their type', async () => {
    const res = await app.inject('/assets/app-abc123.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('answers unknown app paths with the page, missing assets and API paths with 404', async () => {
    expect((await app.inject('/library')).headers['content-type']).toContain('text/html');
    expect((await app.inject('/assets/missing.js')).statusCode).toBe(404);
    const api = await app.inject('/api/v1/nothing-here');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await app.inject('/api/v1/health')).json()).toEqual({ ok: true });
  });

  it('never leaves its folder: dot-dot (plain or encoded), dot-files, backslashes, symlinks out', async () => {
    for (const url of ['/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/.env', '/assets/link.txt', '/assets\\..\\..\\secret.txt', '/%00', '/%E0%A4%A']) {
      const res = await app.inject(url);
      // Fastify itself refuses a malformed escape (400); everything else is a plain 404.
      expect([400, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('TOP-SECRET-CONTENT');
    }
    expect(await resolveInside(root, '/assets/app-abc123.js')).toEqual({ kind: 'file', path: path.join(root, 'assets', 'app-abc123.js') });
    expect(await resolveInside(root, '/assets/../../secret.txt')).toEqual({ kind: 'refused' });
    expect(await resolveInside(root, '/assets/link.txt')).toEqual({ kind: 'refused' });
    expect(await resolveInside(root, '/assets')).toEqual({ kind: 'missing' });
  });

  it('without a build, / points at the API docs', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-webui-empty-'));
    const bare = await appFor(empty);
    try {
      const res = await bare.inject('/');
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/api/v1/docs');
      expect((await bare.inject('/library')).statusCode).toBe(404);
    } finally {
      await bare.close();
      await fs.rm(empty, { recursive: true, force: true });
    }
  });
});

describe('the page policy with extra origins', () => {
  it('lets thumbnails and previews load from the bucket, and nothing else from it', () => {
    const csp = webUiCsp({ media: ['https://storage.googleapis.com'] });
    expect(csp).toContain("img-src 'self' data: blob: https://storage.googleapis.com");
    expect(csp).toContain("media-src 'self' blob: https://storage.googleapis.com");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("script-src 'self';");
    expect(webUiCsp()).toBe(WEB_UI_CSP);
  });
});
