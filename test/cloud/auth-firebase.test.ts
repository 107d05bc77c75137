/**
 * Firebase ID tokens on the production path (RS256, keys from a JWKS), against a local key set
 * standing in for Google's: every way a token can be wrong gets 401 with its own message, a
 * suspended account 403, and two signed-in users never see each other's files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSuspended } from '../../server/db/users-repo.ts';
import { FirebaseAuthenticator } from '../../server/http/firebase-auth.ts';
import { startFakeJwks, unsignedToken, type FakeJwks } from '../fakes/jwks-server.ts';
import { startAuthEmulator, type AuthEmulator } from '../helpers/firebase.ts';
import { startCloudApp, type CloudApp } from './cloud-app.ts';

const PROJECT = 'trove-test';
let jwks: FakeJwks;
let s: CloudApp;
let emulator: AuthEmulator;

beforeAll(async () => {
  jwks = await startFakeJwks();
  // The emulator (~12 s) and the database start side by side.
  [emulator, s] = await Promise.all([
    startAuthEmulator('demo-trove'),
    startCloudApp({ auth: (db) => new FirebaseAuthenticator(db, { projectId: PROJECT, jwksUrl: jwks.url, userCacheMs: 0 }) }),
  ]);
});
afterAll(async () => {
  await Promise.all([s?.close(), jwks?.close(), emulator?.stop()]);
});

const uploads = (token: string | null) => s.json<{ total: number }>('/api/v1/uploads', token);

async function refused(token: string | null, message: RegExp, status = 401, code = 'UNAUTHORIZED') {
  const res = await uploads(token);
  expect(res.status, JSON.stringify(res.body.error)).toBe(status);
  expect(res.body.error?.code).toBe(code);
  expect(res.body.error?.message).toMatch(message);
}

describe('RS256 Firebase ID tokens', () => {
  it('accepts a valid token and creates the user on first request', async () => {
    const res = await uploads(await jwks.mint(PROJECT, { sub: 'alice', email: 'alice@example.com' }));
    expect(res.status, JSON.stringify(res.body.error)).toBe(200);
    const row = await s.db.selectFrom('users').select(['external_id', 'email']).where('external_id', '=', 'firebase:alice').executeTakeFirst();
    expect(row).toEqual({ external_id: 'firebase:alice', email: 'alice@example.com' });
  });

  it('refuses a missing or malformed token with a message saying what to send', async () => {
    await refused(null, /Missing ID token/);
    await refused('not-a-jwt', /malformed/);
  });

  it('refuses tokens for another project, expired ones and ones from the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await jwks.mint(PROJECT, { aud: 'someone-else' }), /another Firebase project/);
    await refused(await jwks.mint(PROJECT, { iss: 'https://securetoken.google.com/someone-else' }), /another Firebase project/);
    await refused(await jwks.mint(PROJECT, { iss: 'https://evil.example/trove-test' }), /another Firebase project/);
    await refused(await jwks.mint(PROJECT, { exp: now - 120, iat: now - 3720, auth_time: now - 3800 }), /expired/);
    await refused(await jwks.mint(PROJECT, { iat: now + 600 }), /future \(iat\)/);
    await refused(await jwks.mint(PROJECT, { auth_time: now + 600 }), /auth_time/);
  });

  it('refuses tokens without auth_time or with an empty, missing or too long subject', async () => {
    await refused(await jwks.mint(PROJECT, { auth_time: undefined }), /no auth_time/);
    await refused(await jwks.mint(PROJECT, { sub: '' }), /subject/);
    await refused(await jwks.mint(PROJECT, { sub: undefined }), /"sub"/);
    await refused(await jwks.mint(PROJECT, { sub: 'x'.repeat(129) }), /subject/);
  });

  it('refuses forged signatures, unknown keys, other algorithms and unsigned tokens outside emulator mode', async () => {
    await refused(await jwks.mint(PROJECT, {}, { key: jwks.otherKey }), /signature is not valid/);
    await refused(await jwks.mint(PROJECT, {}, { kid: 'not-listed' }), /unknown kid/);
    await refused(await jwks.mint(PROJECT, {}, { kid: null }), /no key id/);
    const good = await jwks.mint(PROJECT);
    const [h, p] = good.split('.');
    const tampered = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    await refused(`${h}.${Buffer.from(JSON.stringify({ ...tampered, sub: 'mallory' })).toString('base64url')}.${good.split('.')[2]}`, /signature is not valid/);
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: jwks.kid })).toString('base64url')}.${p}.c2ln`;
    await refused(hs, /RS256/);
    const now = Math.floor(Date.now() / 1000);
    await refused(unsignedToken({ iss: `https://securetoken.google.com/${PROJECT}`, aud: PROJECT, sub: 'x', iat: now, exp: now + 60, auth_time: now }), /unsigned/);
  });

  it('fetches the key set once and caches it', () => {
    // Unknown kids may trigger one refetch each, at most every 30 s (jose's cooldown).
    expect(jwks.fetches()).toBeLessThanOrEqual(2);
  });

  it('answers 403 ACCOUNT_SUSPENDED for a suspended user, and lets them back once restored', async () => {
    const token = await jwks.mint(PROJECT, { sub: 'suspect' });
    expect((await uploads(token)).status).toBe(200);
    expect(await setSuspended(s.db, 'firebase:suspect', true)).toBe(true);
    await refused(token, /suspended/, 403, 'ACCOUNT_SUSPENDED');
    await setSuspended(s.db, 'firebase:suspect', false);
    expect((await uploads(token)).status).toBe(200);
  });

  it('keeps two Firebase users apart: 404 on the other\'s file, counts of their own only', async () => {
    const a = await jwks.mint(PROJECT, { sub: 'owner-a' });
    const b = await jwks.mint(PROJECT, { sub: 'owner-b' });
    const up = await s.upload(a, 'notes about the lighthouse keeper', 'lighthouse.txt');
    expect(up.status, JSON.stringify(up.body.error)).toBe(202);
    const id = up.body.data.upload_id;
    expect((await uploads(a)).body.data.total).toBe(1);
    expect((await uploads(b)).body.data.total).toBe(0);
    expect((await s.json(`/api/v1/file/${id}/metadata`, b)).status).toBe(404);
    expect((await s.json(`/api/v1/upload/${id}`, b, { method: 'DELETE' })).status).toBe(404);
    expect((await s.json(`/api/v1/file/${id}/metadata`, a)).status).toBe(200);
  });
});

describe('FirebaseAuthenticator without a reachable key set', () => {
  it('answers 503 (our outage, not a bad token) when Google\'s keys cannot be fetched', async () => {
    const auth = new FirebaseAuthenticator(s.db, { projectId: PROJECT, jwksUrl: 'http://127.0.0.1:1/jwks' });
    await expect(auth.authenticate(`Bearer ${await jwks.mint(PROJECT)}`)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('Firebase Auth emulator mode', () => {
  it('accepts a real emulator sign-up token (unsigned) and creates its user', async () => {
    const auth = new FirebaseAuthenticator(s.db, { projectId: emulator.projectId, emulatorHost: emulator.host });
    const { idToken, localId } = await emulator.signUp('carol@example.com');
    expect(idToken.split('.')[2]).toBe(''); // the emulator does not sign
    const user = await auth.authenticate(`Bearer ${idToken}`);
    expect(user.externalId).toBe(`firebase:${localId}`);
    expect(await auth.authenticate(`Bearer ${idToken}`)).toEqual(user);
  });

  it('still checks audience, issuer, expiry and subject of unsigned tokens', async () => {
    const auth = new FirebaseAuthenticator(s.db, { projectId: emulator.projectId, emulatorHost: emulator.host });
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: `https://securetoken.google.com/${emulator.projectId}`, aud: emulator.projectId, sub: 'dave', iat: now, exp: now + 60, auth_time: now };
    const bad = async (claims: Record<string, unknown>, message: RegExp) =>
      expect(auth.authenticate(`Bearer ${unsignedToken({ ...base, ...claims })}`)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(message) });
    await bad({ aud: 'other' }, /another Firebase project/);
    await bad({ iss: 'https://securetoken.google.com/other' }, /another Firebase project/);
    await bad({ exp: now - 60 }, /expired/);
    await bad({ sub: '' }, /subject/);
    await expect(auth.authenticate(`Bearer ${unsignedToken(base)}`)).resolves.toMatchObject({ externalId: 'firebase:dave' });
  });
});
