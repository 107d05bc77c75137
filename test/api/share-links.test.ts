/**
 * Share links through the real server in both modes (vitest.config.ts CLOUD_API_SUITES). Local mode
 * runs as the owner would to share: listening on the network (TROVE_HOST=0.0.0.0,
 * TROVE_ALLOW_REMOTE=1); the embedded default on loopback refuses to make links (SHARE_NEEDS_REMOTE).
 * A link to one file serves that file only; a collection's link serves what the collection holds
 * now; nothing of the owner's analysis, tags, notes or other files reaches a visitor; revoked and
 * expired links answer 410 with their codes (the server's clock is moved past the expiry); another
 * user's ids are NOT_FOUND; the public routes are rate-limited per address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection, CreatedShare, Share, ShareList, SharedView } from '../../shared/api/schemas.ts';
import { accept, call, expectEnvelope, rawRequest } from '../helpers/http.ts';
import { png } from '../helpers/media.ts';
import { cloudTestMode } from '../helpers/cloud-backends.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let clockOffsetMs = 0;
const ids: Record<string, string> = {};
const bytes: Record<string, Buffer> = {};
let foreignUpload: string;
let foreignCollection: string;
const PUBLIC_LIMIT = 100;

const send = <T>(method: string, path: string, body?: unknown, opts: { code?: string; token?: string } = {}) => call<T>(s, path, {
  method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }), ...opts,
});
const share = (body: unknown, code?: string, token?: string) => send<CreatedShare>('POST', '/api/v1/shares', body, { code, token });
const tokenOf = (url: string) => /\/s\/([A-Za-z0-9_-]{43})$/.exec(url)![1]!;
/** A visitor: no bearer token. */
const visit = (path: string) => s.api(path, { token: null });
const view = async (token: string) => {
  const res = await visit(`/api/v1/shared/${token}`);
  const body = await res.json() as { data: SharedView };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.data;
};

beforeAll(async () => {
  s = await startTestServer(
    { ...(cloudTestMode ? {} : { TROVE_HOST: '0.0.0.0', TROVE_ALLOW_REMOTE: '1' }), TROVE_SHARE_REQUESTS_PER_MIN: String(PUBLIC_LIMIT) },
    { clock: () => new Date(Date.now() + clockOffsetMs) },
  );
  for (const [name, b] of [['beach.png', await png(21)], ['ski.png', await png(22)], ['harbour.png', await png(23)], ['recipe.txt', Buffer.from('Lemon cake with poppy seeds.\n')]] as const) {
    bytes[name] = b;
    ids[name] = (await accept(s, b, name)).uploadId;
  }
  for (const id of Object.values(ids)) await s.waitForUpload(id);
  // The owner's own words on the shared file: a visitor must never see them.
  await send('PATCH', `/api/v1/upload/${ids['beach.png']}`, { note: 'private note about the quokka', user_tags: ['secret-tag'] });
  foreignUpload = (await accept(s, Buffer.from('Someone else\'s file.\n'), 'theirs.txt', { token: s.otherToken })).uploadId;
  foreignCollection = (await send<Collection>('POST', '/api/v1/collections', { name: 'Theirs' }, { token: s.otherToken })).body.data.id;
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('a link to one file', () => {
  let created: CreatedShare;
  let token: string;

  it('is made for 7 days by default, with a 256-bit token in its URL', async () => {
    const res = await share({ target: { upload_id: ids['beach.png'] } });
    expect(res.status).toBe(201);
    created = res.body.data;
    token = tokenOf(created.url);
    expect(created).toMatchObject({ target: { kind: 'file', id: ids['beach.png'], name: 'beach.png' }, state: 'active', revoked_at: null });
    expect(created.url).toMatch(/^https?:\/\/[^/]+\/s\/[A-Za-z0-9_-]{43}$/);
    // Not the loopback address a visitor could never reach (local mode listens on the network here).
    if (!cloudTestMode) expect(created.url).not.toContain('0.0.0.0');
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
  });

  it('shows the file to anyone holding it — name, type, size, date and scoped links, nothing else', async () => {
    const res = await visit(`/api/v1/shared/${token}`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expectEnvelope(JSON.parse(text), 'success');
    const v = (JSON.parse(text) as { data: SharedView }).data;
    expect(v).toMatchObject({ kind: 'file', title: 'beach.png', expires_at: created.expires_at, truncated: false });
    expect(v.files).toHaveLength(1);
    expect(Object.keys(v.files[0]!).sort()).toEqual(['date', 'download_url', 'file_size', 'file_type', 'filename', 'id', 'mime_type', 'preview_url', 'thumbnail_url']);
    expect(v.files[0]).toMatchObject({ id: ids['beach.png'], filename: 'beach.png', file_type: 'image', file_size: bytes['beach.png']!.length });
    expect(v.files[0]!.thumbnail_url).toBe(`/api/v1/shared/${token}/files/${ids['beach.png']}/thumbnail`);
    for (const secret of ['quokka', 'secret-tag', ids['ski.png']!, 'ski.png']) expect(text).not.toContain(secret);
  });

  it('serves its thumbnail and its original bytes, and no other file of the owner', async () => {
    const thumb = await visit(v(token, ids['beach.png']!, 'thumbnail'));
    expect(thumb.status).toBe(302);
    const img = await s.fetchLink(thumb.headers.get('location')!);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/^image\//);
    const dl = await visit(v(token, ids['beach.png']!, 'download'));
    expect(dl.status).toBe(302);
    const original = Buffer.from(await (await s.fetchLink(dl.headers.get('location')!)).arrayBuffer());
    expect(original.equals(bytes['beach.png']!)).toBe(true);
    // Another file of the same owner, through this token: not there.
    for (const variant of ['thumbnail', 'download'] as const) {
      const other = await visit(v(token, ids['ski.png']!, variant));
      expect(other.status).toBe(404);
      expectEnvelope(await other.json(), { code: 'NOT_FOUND' });
    }
    // An image has no preview.
    expect((await visit(v(token, ids['beach.png']!, 'preview'))).status).toBe(404);
  });

  it('opens a page without the app: strict policy, no script, no referrer, only this file', async () => {
    const res = await visit(`/s/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('beach.png');
    expect(html).toContain(`/api/v1/shared/${token}/files/${ids['beach.png']}/thumbnail`);
    expect(html).not.toContain('<script');
    for (const secret of ['quokka', 'secret-tag', 'ski.png']) expect(html).not.toContain(secret);
  });

  it.skipIf(cloudTestMode)('is reached by any host name, while the rest of the local API still answers to loopback names only', async () => {
    const headers = { host: `192.0.2.10:${new URL(s.url).port}` };
    const page = await rawRequest(s, { path: `/s/${token}`, headers });
    expect(page.status).toBe(200);
    const thumb = await rawRequest(s, { path: v(token, ids['beach.png']!, 'thumbnail'), headers });
    expect(thumb.status).toBe(302);
    expect((await rawRequest(s, { path: thumb.headers.location!, headers })).status).toBe(200);
    const api = await rawRequest(s, { path: '/api/v1/uploads', headers: { ...headers, authorization: `Bearer ${s.token}` } });
    expect(api.status).toBe(403);
    expect(api.json().error!.code).toBe('FORBIDDEN_HOST');
  });

  it('is revoked by its owner: 410 SHARE_REVOKED everywhere, and a page that says so', async () => {
    const revoked = await send<Share>('DELETE', `/api/v1/shares/${created.id}`);
    expect(revoked.body.data).toMatchObject({ id: created.id, state: 'revoked' });
    expect(revoked.body.data.revoked_at).not.toBeNull();
    for (const path of [`/api/v1/shared/${token}`, v(token, ids['beach.png']!, 'download')]) {
      const res = await visit(path);
      expect(res.status).toBe(410);
      expectEnvelope(await res.json(), { code: 'SHARE_REVOKED' });
    }
    const page = await visit(`/s/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This link was revoked');
    // Again: the same answer, nothing changes.
    expect((await send<Share>('DELETE', `/api/v1/shares/${created.id}`)).body.data.revoked_at).toBe(revoked.body.data.revoked_at);
  });
});

const v = (token: string, uploadId: string, variant: string) => `/api/v1/shared/${token}/files/${uploadId}/${variant}`;

describe('a link to a collection', () => {
  it('shows what the collection and its sub-collections hold now: a file taken out or deleted is gone', async () => {
    const trips = (await send<Collection>('POST', '/api/v1/collections', { name: 'Trips' })).body.data;
    const winter = (await send<Collection>('POST', '/api/v1/collections', { name: 'Winter', parent_id: trips.id })).body.data;
    await send('POST', `/api/v1/collections/${trips.id}/items`, { upload_ids: [ids['beach.png'], ids['harbour.png'], ids['recipe.txt']] });
    await send('POST', `/api/v1/collections/${winter.id}/items`, { upload_ids: [ids['ski.png']] });
    const created = (await share({ target: { collection_id: trips.id }, expires_in_s: 3600 })).body.data;
    expect(created.target).toEqual({ kind: 'collection', id: trips.id, name: 'Trips' });
    const token = tokenOf(created.url);
    const names = async () => (await view(token)).files.map((f) => f.filename).sort();
    expect(await names()).toEqual(['beach.png', 'harbour.png', 'recipe.txt', 'ski.png']);
    expect((await view(token)).title).toBe('Trips');

    await send('POST', `/api/v1/collections/${trips.id}/items/remove`, { upload_ids: [ids['harbour.png']] });
    expect(await names()).toEqual(['beach.png', 'recipe.txt', 'ski.png']);
    const removed = await visit(v(token, ids['harbour.png']!, 'download'));
    expect(removed.status).toBe(404);
    expectEnvelope(await removed.json(), { code: 'NOT_FOUND' });

    await send('DELETE', `/api/v1/upload/${ids['recipe.txt']}`);
    expect(await names()).toEqual(['beach.png', 'ski.png']);
    expect((await visit(v(token, ids['recipe.txt']!, 'download'))).status).toBe(404);
    const html = await (await visit(`/s/${token}`)).text();
    expect(html).toContain('ski.png');
    expect(html).not.toContain('harbour.png');
    expect(html).not.toContain('recipe.txt');

    // Deleting the collection takes its links with it.
    await send('DELETE', `/api/v1/collections/${trips.id}`);
    expect((await visit(`/api/v1/shared/${token}`)).status).toBe(404);
    expect((await visit(`/s/${token}`)).status).toBe(404);
  });
});

describe('expiry', () => {
  it('is bounded, with SHARE_EXPIRY_INVALID for values out of range or unreadable', async () => {
    const target = { upload_id: ids['ski.png'] };
    for (const bad of [{ expires_in_s: 10 }, { expires_in_s: 400 * 86_400 }, { expires_at: new Date(Date.now() - 1000).toISOString() },
      { expires_at: 'next tuesday' }, { expires_in_s: 3600, expires_at: new Date(Date.now() + 7200_000).toISOString() }]) {
      const res = await share({ target, ...bad }, 'SHARE_EXPIRY_INVALID');
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const at = new Date(Date.now() + 2 * 86_400_000);
    const exact = (await share({ target, expires_at: at.toISOString() })).body.data;
    expect(Math.abs(Date.parse(exact.expires_at) - at.getTime())).toBeLessThan(1000);
    await share({ target: {} }, 'VALIDATION_ERROR');
    await share({ target: { upload_id: ids['ski.png'], collection_id: foreignCollection } }, 'VALIDATION_ERROR');
  });

  it('past its end a link answers 410 SHARE_EXPIRED, and the owner\'s list says expired', async () => {
    const created = (await share({ target: { upload_id: ids['ski.png'] }, expires_in_s: 60 })).body.data;
    const token = tokenOf(created.url);
    expect((await view(token)).files).toHaveLength(1);
    clockOffsetMs = 61_000;
    try {
      const res = await visit(`/api/v1/shared/${token}`);
      expect(res.status).toBe(410);
      expectEnvelope(await res.json(), { code: 'SHARE_EXPIRED' });
      expect((await visit(v(token, ids['ski.png']!, 'thumbnail'))).status).toBe(410);
      const page = await visit(`/s/${token}`);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('This link has expired');
      const listed = (await send<ShareList>('GET', '/api/v1/shares')).body.data.shares.find((x) => x.id === created.id);
      expect(listed?.state).toBe('expired');
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe('ownership', () => {
  it('lists only the user\'s own links; another user\'s files, collections and links are NOT_FOUND', async () => {
    const mine = (await send<ShareList>('GET', '/api/v1/shares')).body.data;
    expect(mine.sharing).toMatchObject({ available: true, code: null });
    expect(mine.shares.length).toBeGreaterThanOrEqual(3);
    expect(mine.shares.map((x) => x.state)).toContain('revoked');
    const theirs = (await send<ShareList>('GET', '/api/v1/shares', undefined, { token: s.otherToken })).body.data;
    expect(theirs.shares).toEqual([]);

    expect((await share({ target: { upload_id: foreignUpload } }, 'NOT_FOUND')).status).toBe(404);
    expect((await share({ target: { collection_id: foreignCollection } }, 'NOT_FOUND')).status).toBe(404);
    const one = mine.shares.find((x) => x.state === 'active')!;
    await send('DELETE', `/api/v1/shares/${one.id}`, undefined, { token: s.otherToken, code: 'NOT_FOUND' });
    const still = (await send<ShareList>('GET', '/api/v1/shares')).body.data.shares.find((x) => x.id === one.id);
    expect(still?.state).toBe('active');
    // Tokens that are not links: the same 404, as JSON and as a page.
    for (const token of ['x'.repeat(43), 'short', 'x'.repeat(44)]) {
      expect((await visit(`/api/v1/shared/${token}`)).status).toBe(404);
    }
    expect(await (await visit(`/s/${'A'.repeat(43)}`)).text()).toContain('No such link');
  });
});

describe('public routes', () => {
  it('are rate-limited per address: 429 RATE_LIMITED with Retry-After', async () => {
    let refused: Response | undefined;
    for (let i = 0; i < 2 * PUBLIC_LIMIT + 10 && !refused; i++) {
      const res = await visit(`/api/v1/shared/${'B'.repeat(43)}`);
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(404);
    }
    expect(refused).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expectEnvelope(await refused!.json(), { code: 'RATE_LIMITED' });
    // The page, counted the same, answers a person with a page.
    const page = await visit(`/s/${'B'.repeat(43)}`);
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Too many requests');
    // The owner's own API is not counted against it.
    expect((await send<ShareList>('GET', '/api/v1/shares')).status).toBe(200);
  });
});

describe.skipIf(cloudTestMode)('the embedded default on loopback', () => {
  let local: TestServer;
  beforeAll(async () => {
    local = await startTestServer();
  }, 120_000);
  afterAll(async () => {
    await local?.close();
  });

  it('makes no links: SHARE_NEEDS_REMOTE, explaining TROVE_ALLOW_REMOTE', async () => {
    const upload = (await accept(local, await png(31), 'here.png')).uploadId;
    const res = await call(local, '/api/v1/shares', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: { upload_id: upload } }), code: 'SHARE_NEEDS_REMOTE',
    });
    expect(res.status).toBe(409);
    expect(res.body.error!.message).toContain('TROVE_ALLOW_REMOTE=1');
    const list = await call<ShareList>(local, '/api/v1/shares');
    expect(list.body.data).toMatchObject({ shares: [], sharing: { available: false, code: 'SHARE_NEEDS_REMOTE', base_url: null } });
  });
});
