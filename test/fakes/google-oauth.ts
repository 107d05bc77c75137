/**
 * A local fake of Google's OAuth 2.0 endpoints for installed apps: the authorization endpoint
 * (`GET /o/oauth2/v2/auth`, which answers as if the user had already consented, by redirecting to
 * the loopback `redirect_uri` with a code and the `state`) and the token endpoint (`POST /token`,
 * which checks the code, the PKCE verifier against its S256 challenge, the redirect URI and the
 * client). Its ID tokens are unsigned JWTs with Google's claims, which the Firebase Auth emulator
 * accepts in signInWithIdp — so the desktop app's real flow runs end to end offline.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GoogleUser {
  sub: string;
  email: string;
  name?: string;
}

export interface FakeGoogleOAuth {
  url: string;
  endpoints: { authorize: string; token: string };
  clientId: string;
  clientSecret: string;
  /** Who "consents" next; null makes the next consent a refusal (error=access_denied). */
  user: GoogleUser | null;
  /** Authorization requests seen (their query), and token requests (their form). */
  authorizations: Record<string, string>[];
  exchanges: Record<string, string>[];
  close(): Promise<void>;
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export async function startFakeGoogleOAuth(clientId = 'trove-desktop.apps.googleusercontent.com', clientSecret = 'GOCSPX-not-confidential'): Promise<FakeGoogleOAuth> {
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string; user: GoogleUser }>();
  const fake: FakeGoogleOAuth = {
    url: '', endpoints: { authorize: '', token: '' }, clientId, clientSecret,
    user: { sub: '104857600000000000001', email: 'grace@gmail.com', name: 'Grace Hopper' },
    authorizations: [], exchanges: [], close: async () => undefined,
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') {
      const q = Object.fromEntries(url.searchParams);
      fake.authorizations.push(q);
      const redirect = q.redirect_uri ?? '';
      // Google's rules for installed apps: a known client, a loopback redirect, a code with PKCE.
      if (q.client_id !== clientId) return json(400, { error: 'invalid_client' });
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(redirect)) return json(400, { error: 'redirect_uri_mismatch' });
      if (q.response_type !== 'code' || q.code_challenge_method !== 'S256' || !q.code_challenge || !q.scope?.includes('openid')) {
        return json(400, { error: 'invalid_request' });
      }
      const back = new URL(redirect);
      if (q.state !== undefined) back.searchParams.set('state', q.state);
      if (!fake.user) {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = `4/${b64url(randomBytes(24))}`;
        codes.set(code, { challenge: q.code_challenge, redirectUri: redirect, clientId, user: fake.user });
        back.searchParams.set('code', code);
        back.searchParams.set('scope', 'openid email profile');
      }
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(raw));
        fake.exchanges.push(form);
        const grant = codes.get(form.code ?? '');
        if (form.grant_type !== 'authorization_code' || !grant) return json(400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
        codes.delete(form.code!); // single use
        if (form.client_id !== grant.clientId || form.client_secret !== clientSecret) return json(401, { error: 'invalid_client', error_description: 'Unauthorized' });
        if (form.redirect_uri !== grant.redirectUri) return json(400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
        const expected = b64url(createHash('sha256').update(form.code_verifier ?? '').digest());
        if (expected !== grant.challenge) return json(400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: 'https://accounts.google.com', aud: clientId, azp: clientId, sub: grant.user.sub, email: grant.user.email, email_verified: true, name: grant.user.name, iat: now, exp: now + 3600 };
        const idToken = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
        return json(200, { access_token: `ya29.${b64url(randomBytes(16))}`, expires_in: 3599, scope: 'openid email profile', token_type: 'Bearer', id_token: idToken });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.endpoints = { authorize: `${fake.url}/o/oauth2/v2/auth`, token: `${fake.url}/token` };
  fake.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return fake;
}

/**
 * The user's browser, for tests: opens the authorization URL and follows Google's redirect to the
 * app's loopback listener, as a browser would; returns the page the listener showed.
 */
export async function browse(url: string): Promise<{ status: number; text: string }> {
  const first = await fetch(url, { redirect: 'manual' });
  const location = first.headers.get('location');
  if (first.status !== 302 || !location) return { status: first.status, text: await first.text() };
  const back = await fetch(location);
  return { status: back.status, text: await back.text() };
}
