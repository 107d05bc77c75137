/**
 * Access control over real HTTP: bearer tokens on every endpoint, the loopback Host and Origin
 * guards (DNS rebinding, cross-site scripting of the API), isolation between two local users,
 * signed links that cannot be altered, and the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHistory, SearchResponse, UploadList } from '../../shared/api/schemas.ts';
import { cloudTestMode } from '../helpers/cloud-backends.ts';
import { accept, call, expectEnvelope, followLink, metadata, openEvents, postJson, rawRequest, totalUploads } from '../helpers/http.ts';
import { jpegWithExif, mp4, truncated } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let port: string;
const owner = { photo: { uploadId: '', jobId: '' }, video: { uploadId: '', jobId: '' }, broken: { uploadId: '', jobId: '' } };

beforeAll(async () => {
  const [photo, video] = await Promise.all([jpegWithExif({ make: 'Nikon', model: 'Zf', color: '#884422' }), mp4(2)]);
  s = await startTestServer();
  port = new URL(s.url).port;
  owner.photo = await accept(s, photo, 'ownersecretphoto.jpg');
  owner.video = await accept(s, video, 'ownersecretclip.mp4');
  owner.broken = await accept(s, truncated(photo, 0.3), 'ownersecretbroken.jpg');
  await Promise.all(Object.values(owner).map((o) => s.waitForUpload(o.uploadId)));
  // The owner searches once, so there is history to keep private.
  expect((await postJson(s, '/api/v1/search', { query: 'ownersecretphoto Nikon' })).status).toBe(200);
});

afterAll(async () => {
  await s?.close();
});

/** Every endpoint that needs a token, called with real ids so only the token can make it fail. */
function protectedEndpoints(): { method: string; url: string; body?: () => FormData | string; json?: boolean }[] {
  const { uploadId, jobId } = owner.photo;
  return [
    { method: 'POST', url: '/api/v1/upload', body: () => { const f = new FormData(); f.set('file', new Blob([Buffer.from('token test')]), 't.txt'); return f; } },
    { method: 'GET', url: `/api/v1/upload/status/${jobId}` },
    { method: 'GET', url: '/api/v1/uploads' },
    { method: 'DELETE', url: `/api/v1/upload/${uploadId}` },
    { method: 'POST', url: `/api/v1/upload/${owner.broken.uploadId}/retry` },
    { method: 'POST', url: '/api/v1/search', body: () => JSON.stringify({ query: 'Nikon' }), json: true },
    { method: 'GET', url: '/api/v1/search/history' },
    { method: 'GET', url: `/api/v1/file/${uploadId}/thumbnail` },
    { method: 'GET', url: `/api/v1/file/${owner.video.uploadId}/preview` },
    { method: 'GET', url: `/api/v1/file/${uploadId}/download` },
    { method: 'GET', url: `/api/v1/file/${uploadId}/metadata` },
    { method: 'GET', url: '/api/v1/events' },
    { method: 'GET', url: '/api/v1/metrics' },
  ];
}

describe('bearer token', () => {
  it('is required on every endpoint except /health: none, wrong or malformed → 401 UNAUTHORIZED', async () => {
    const wrong = [null, 'not-the-token-but-long-enough', `${s.token}x`, s.token.slice(0, -1)];
    for (const e of protectedEndpoints()) {
      for (const token of wrong) {
        const res = await call(s, e.url, {
          method: e.method, token, body: e.body?.(), headers: e.json ? { 'content-type': 'application/json' } : {}, code: 'UNAUTHORIZED',
        });
        expect(res.status, `${e.method} ${e.url} with ${token === null ? 'no token' : 'a wrong token'}`).toBe(401);
      }
      for (const authorization of [`Basic ${Buffer.from(`u:${s.token}`).toString('base64')}`, s.token, `Bearer`, `Bearer ${s.token} ${s.token}`]) {
        const res = await call(s, e.url, { method: e.method, token: null, headers: { authorization }, code: 'UNAUTHORIZED' });
        expect(res.status, `${e.method} ${e.url} with "${authorization.slice(0, 12)}…"`).toBe(401);
      }
    }
    // Nothing was changed by the refused requests.
    expect((await metadata(s, owner.photo.uploadId)).processing_status).toBe('completed');
    expect((await metadata(s, owner.broken.uploadId)).processing_status).toBe('failed');
    expect(await totalUploads(s)).toBe(3);
  });

  it('is not needed for /health', async () => {
    const res = await call(s, '/api/v1/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('is accepted case-insensitively as "bearer"', async () => {
    const res = await call(s, '/api/v1/uploads', { token: null, headers: { authorization: `bearer ${s.token}` } });
    expect(res.status).toBe(200);
  });
});

describe('Host and Origin guards', () => {
  // Cloud mode holds no ambient credentials and answers to its load balancer's names (see below).
  it.skipIf(cloudTestMode)('refuses a Host that is not this loopback address with 403 FORBIDDEN_HOST (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', `localhost.evil.example:${port}`, `192.168.1.10:${port}`]) {
      for (const path of ['/api/v1/health', '/api/v1/uploads']) {
        const res = await rawRequest(s, { path, headers: { host, authorization: `Bearer ${s.token}` } });
        expect(res.status, `${host} ${path}`).toBe(403);
        expectEnvelope(res.json(), { code: 'FORBIDDEN_HOST' });
        expect(res.text).not.toContain('ownersecret');
      }
    }
  });

  it('answers to its own loopback names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const res = await rawRequest(s, { path: '/api/v1/uploads', headers: { host, authorization: `Bearer ${s.token}` } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a foreign Origin with 403 and never sends Access-Control-Allow-Origin', async () => {
    const headers = { host: `127.0.0.1:${port}`, authorization: `Bearer ${s.token}` };
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, `http://127.0.0.1:${Number(port) + 1}`, 'https://localhost']) {
      const res = await rawRequest(s, { path: '/api/v1/uploads', headers: { ...headers, origin } });
      expect(res.status, origin).toBe(403);
      expectEnvelope(res.json(), { code: 'FORBIDDEN' });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await rawRequest(s, {
        method: 'OPTIONS', path: '/api/v1/search', headers: { ...headers, origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(preflight.status, `preflight from ${origin}`).toBe(403);
      expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      const upload = await rawRequest(s, { method: 'POST', path: '/api/v1/search', headers: { ...headers, origin, 'content-type': 'application/json' }, body: '{"query":"Nikon"}' });
      expect(upload.status).toBe(403);
    }
    const history = await call<SearchHistory>(s, '/api/v1/search/history');
    expect(history.body.data.total).toBe(1);
  });

  it('allows its own origin, still without any CORS header', async () => {
    const res = await rawRequest(s, { path: '/api/v1/uploads', headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, authorization: `Bearer ${s.token}` } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('isolation between users', () => {
  it('the other user gets 404 NOT_FOUND for the owner\'s upload, job and file ids on every endpoint', async () => {
    const o = s.otherToken;
    const cases: [string, string][] = [
      ['GET', `/api/v1/upload/status/${owner.photo.jobId}`],
      ['GET', `/api/v1/upload/status/${owner.broken.jobId}`],
      ['GET', `/api/v1/file/${owner.photo.uploadId}/metadata`],
      ['GET', `/api/v1/file/${owner.photo.uploadId}/thumbnail`],
      ['GET', `/api/v1/file/${owner.video.uploadId}/preview`],
      ['GET', `/api/v1/file/${owner.photo.uploadId}/download`],
      ['GET', `/api/v1/file/${owner.broken.uploadId}/download`],
      ['POST', `/api/v1/upload/${owner.broken.uploadId}/retry`],
      ['DELETE', `/api/v1/upload/${owner.photo.uploadId}`],
      ['DELETE', `/api/v1/upload/${owner.video.uploadId}?purge=true`],
    ];
    for (const [method, url] of cases) {
      const res = await call(s, url, { method, token: o, code: 'NOT_FOUND' });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('ownersecret');
    }
    // The owner's files are untouched.
    expect((await metadata(s, owner.photo.uploadId)).processing_status).toBe('completed');
    expect((await metadata(s, owner.broken.uploadId)).processing_status).toBe('failed');
    const video = await followLink(s, await s.api(`/api/v1/file/${owner.video.uploadId}/preview`));
    expect(video.status).toBe(200);
  });

  it('listings, search and history show the other user none of the owner\'s items, in counts too', async () => {
    const o = s.otherToken;
    const own = await accept(s, Buffer.from('The other user keeps notes about ownersecret things too.\n'), 'theirs.txt', { token: o });
    await s.waitForUpload(own.uploadId, { token: o });

    for (const q of ['', '?file_type=image', '?status=completed', '?status=failed']) {
      const { body } = await call<UploadList>(s, `/api/v1/uploads${q}`, { token: o });
      const expected = q === '?file_type=image' || q === '?status=failed' ? [] : [own.uploadId];
      expect(body.data.uploads.map((u) => u.id), q).toEqual(expected);
      expect(body.data.total, q).toBe(expected.length);
    }
    const found = await postJson<SearchResponse>(s, '/api/v1/search', { query: 'ownersecretphoto Nikon', limit: 100 }, { token: o });
    expect(found.body.data.results.map((r) => r.upload_id)).toEqual([own.uploadId]);
    const history = await call<SearchHistory>(s, '/api/v1/search/history', { token: o });
    expect(history.body.data.history.map((h) => h.query)).toEqual(['ownersecretphoto Nikon']);
    expect(history.body.data.total).toBe(1);
    // ...and the owner sees only their own, too.
    const mine = await call<SearchHistory>(s, '/api/v1/search/history', { token: undefined });
    expect(mine.body.data.total).toBe(1);
    expect(await totalUploads(s)).toBe(3);
  });

  it('the other user\'s event stream carries none of the owner\'s events', async () => {
    const theirs = await openEvents(s, s.otherToken);
    const mine = await openEvents(s);
    try {
      const { uploadId } = await accept(s, Buffer.from('Owner upload while both users listen for events.\n'), 'ownersecretlive.txt');
      await mine.waitFor((e) => e.upload_id === uploadId && e.status === 'completed');
      const their = await accept(s, Buffer.from('Their upload while both users listen.\n'), 'theirs-live.txt', { token: s.otherToken });
      await theirs.waitFor((e) => e.upload_id === their.uploadId && e.status === 'completed');
      expect(theirs.events.length).toBeGreaterThan(0);
      expect(theirs.events.every((e) => e.upload_id === their.uploadId)).toBe(true);
      expect(mine.events.some((e) => e.upload_id === their.uploadId)).toBe(false);
    } finally {
      theirs.close();
      mine.close();
    }
  });
});

describe.runIf(cloudTestMode)('cloud mode', () => {
  it('answers to any Host name (bearer ID tokens only), still refusing a foreign Origin', async () => {
    const res = await rawRequest(s, { path: '/api/v1/uploads', headers: { host: 'trove.example.com', authorization: `Bearer ${s.token}` } });
    expect(res.status).toBe(200);
    const cross = await rawRequest(s, { path: '/api/v1/uploads', headers: { host: 'trove.example.com', origin: 'https://evil.example', authorization: `Bearer ${s.token}` } });
    expect(cross.status).toBe(403);
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('signs links with the bucket (V4): they work without the token, and not once altered', async () => {
    const res = await s.api(`/api/v1/file/${owner.photo.uploadId}/download`);
    const link = new URL(res.headers.get('location')!);
    expect(link.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(Number(link.searchParams.get('X-Goog-Expires'))).toBe(300);
    expect((await s.fetchLink(link.href)).status).toBe(200);
    const sig = link.searchParams.get('X-Goog-Signature')!;
    link.searchParams.set('X-Goog-Signature', `${sig.slice(0, -2)}${sig.endsWith('00') ? '11' : '00'}`);
    expect((await s.fetchLink(link.href)).status).toBe(403);
  });
});

// This server's own /blob links (local mode); the bucket verifies its links in cloud mode.
describe.skipIf(cloudTestMode)('signed links', () => {
  const link = async (variant: string, id = owner.photo.uploadId) => {
    const res = await s.api(`/api/v1/file/${id}/${variant}`);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!, s.url);
  };
  const get = (u: URL) => s.api(`${u.pathname}${u.search}`, { token: null });
  const expectRefused = async (u: URL, code: string, why: string) => {
    const res = await get(u);
    expect(res.status, why).toBe(403);
    expectEnvelope(await res.json(), { code });
  };

  it('work without the token, and for nobody once any part is altered', async () => {
    const thumb = await link('thumbnail');
    expect((await get(thumb)).status).toBe(200);
    expect(thumb.searchParams.get('key')).toMatch(/^[0-9a-f-]{36}\/[0-9a-f-]{36}\/thumbnail\.jpg$/);

    const sig = thumb.searchParams.get('sig')!;
    const tampered = new URL(thumb);
    tampered.searchParams.set('sig', `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    await expectRefused(tampered, 'SIGNATURE_INVALID', 'changed signature');

    const short = new URL(thumb);
    short.searchParams.set('sig', sig.slice(0, 10));
    await expectRefused(short, 'SIGNATURE_INVALID', 'shortened signature');

    const otherKey = new URL(thumb);
    otherKey.searchParams.set('key', thumb.searchParams.get('key')!.replace('thumbnail.jpg', 'original.jpg'));
    await expectRefused(otherKey, 'SIGNATURE_INVALID', 'changed key (original instead of thumbnail)');

    const videoKey = new URL(thumb);
    videoKey.searchParams.set('key', (await link('thumbnail', owner.video.uploadId)).searchParams.get('key')!);
    await expectRefused(videoKey, 'SIGNATURE_INVALID', 'key of another upload');

    const traversal = new URL(thumb);
    traversal.searchParams.set('key', '../token');
    await expectRefused(traversal, 'SIGNATURE_INVALID', 'path traversal in key');

    const later = new URL(thumb);
    later.searchParams.set('exp', String(Number(thumb.searchParams.get('exp')) + 86_400));
    await expectRefused(later, 'SIGNATURE_INVALID', 'extended expiry');

    const download = await link('download');
    const renamed = new URL(download);
    renamed.searchParams.set('name', 'evil.html');
    await expectRefused(renamed, 'SIGNATURE_INVALID', 'changed file name');
    const inline = new URL(download);
    inline.searchParams.set('disposition', 'inline');
    await expectRefused(inline, 'SIGNATURE_INVALID', 'changed disposition');

    const unsigned = new URL(thumb);
    unsigned.searchParams.delete('sig');
    const res = await get(unsigned);
    expect(res.status).toBe(400);
    expectEnvelope(await res.json(), { code: 'VALIDATION_ERROR' });
  });

  it('serve the bytes with a sandboxing CSP and nosniff', async () => {
    const res = await get(await link('download'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('security headers', () => {
  it('are on JSON successes, errors, redirects and metrics', async () => {
    const responses = [
      await s.api('/api/v1/uploads'),
      await s.api('/api/v1/health', { token: null }),
      await s.api('/api/v1/uploads', { token: null }),
      await s.api('/api/v1/file/3f1c9d2e-7a4b-4c8d-9e0f-112233445566/metadata'),
      await s.api(`/api/v1/file/${owner.photo.uploadId}/thumbnail`),
      await s.api('/api/v1/metrics', { token: s.server.token }),
    ];
    for (const res of responses) {
      const what = `${res.status} ${res.url}`;
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
      expect(res.headers.get('access-control-allow-origin'), what).toBeNull();
      expect(res.headers.get('x-request-id'), what).toBeTruthy();
      await res.body?.cancel();
    }
  });

  it('keep API responses out of caches', async () => {
    const res = await s.api('/api/v1/uploads');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
