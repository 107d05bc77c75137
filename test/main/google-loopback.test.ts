/**
 * Google sign-in's loopback half under Node (auth/google-loopback.ts), against a local fake of
 * Google's OAuth endpoints that checks PKCE, the redirect URI and the client: the happy path, and
 * everything that must not sign anyone in — an answer with another `state`, a request from a page
 * that is not Google's redirect, a refusal, a failed exchange, no answer in time, a newer attempt.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleLoopbackSignIn } from '../../main/auth/google-loopback.ts';
import { browse, startFakeGoogleOAuth, type FakeGoogleOAuth } from '../fakes/google-oauth.ts';

let google: FakeGoogleOAuth;
beforeAll(async () => {
  google = await startFakeGoogleOAuth();
});
afterAll(() => google?.close());

const client = () => ({ clientId: google.clientId, clientSecret: google.clientSecret });
const failure = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error & { code?: string }) => `${err.code}: ${err.message}`);

/** A sign-in whose "browser" only records the URL it was asked to open. */
function withBrowser(timeoutMs?: number) {
  const opened: string[] = [];
  let notify: () => void = () => undefined;
  const next = new Promise<void>((resolve) => (notify = resolve));
  const flow = new GoogleLoopbackSignIn({
    openExternal: async (url) => {
      opened.push(url);
      notify();
    },
    endpoints: google.endpoints,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  return { flow, opened, next };
}

/** A GET to the loopback listener with a chosen Host header (as another web page could send it). */
function get(url: string, host?: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    http.get({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: host ? { host } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

describe('Google sign-in through the browser and a loopback redirect', () => {
  it('sends the user to Google with PKCE and a state, takes the code on 127.0.0.1 and returns Google\'s ID token', async () => {
    google.user = { sub: '1001', email: 'ada@gmail.com' };
    const { flow, opened, next } = withBrowser();
    const result = flow.signIn(client());
    await next;
    const consent = new URL(opened[0]!);
    expect(`${consent.origin}${consent.pathname}`).toBe(google.endpoints.authorize);
    const q = Object.fromEntries(consent.searchParams);
    expect(q).toMatchObject({ client_id: google.clientId, response_type: 'code', scope: 'openid email profile', code_challenge_method: 'S256', prompt: 'select_account' });
    expect(q.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(q.state).toMatch(/^[\w-]{32}$/);

    const page = await browse(opened[0]!);
    expect(page).toEqual({ status: 200, text: expect.stringContaining('You are signed in') as unknown });
    const { idToken } = await result;
    expect(JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString())).toMatchObject({ iss: 'https://accounts.google.com', aud: google.clientId, sub: '1001', email: 'ada@gmail.com' });
    // The verifier sent at the exchange is the one the challenge was made from.
    const exchange = google.exchanges.at(-1)!;
    expect(createHash('sha256').update(exchange.code_verifier!).digest('base64url')).toBe(q.code_challenge);
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', client_id: google.clientId, client_secret: google.clientSecret, redirect_uri: q.redirect_uri });
    // The listener is gone once done.
    await expect(get(`${q.redirect_uri}/?state=${q.state}&code=again`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('ignores answers that are not Google\'s redirect for this request, and still finishes the real one', async () => {
    const { flow, opened, next } = withBrowser();
    const result = flow.signIn(client());
    await next;
    const q = Object.fromEntries(new URL(opened[0]!).searchParams);
    const exchanges = google.exchanges.length;
    // Another state (a forged or stale link): refused with a page saying so, and no exchange happens.
    const forged = await get(`${q.redirect_uri}/?state=forged&code=4/attacker-code`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('not from Trove');
    // A page in the browser reaching the port under another name (DNS rebinding), or another path.
    expect((await get(`${q.redirect_uri}/?state=${q.state}&code=x`, 'evil.example:80')).status).toBe(404);
    expect((await get(`${q.redirect_uri}/favicon.ico`)).status).toBe(404);
    expect(google.exchanges.length).toBe(exchanges);

    expect((await browse(opened[0]!)).status).toBe(200);
    await expect(result).resolves.toMatchObject({ idToken: expect.any(String) as unknown });
  });

  it('reports a refusal in the browser as cancelled, and a failed exchange as failed — both on the page and to the app', async () => {
    google.user = null;
    const denied = withBrowser();
    const deniedResult = failure(denied.flow.signIn(client()));
    await denied.next;
    expect((await browse(denied.opened[0]!)).text).toContain('Sign-in cancelled');
    expect(await deniedResult).toMatch(/^GOOGLE_SIGN_IN_CANCELLED: Google sign-in was cancelled in the browser/);

    google.user = { sub: '1002', email: 'bob@gmail.com' };
    const wrongSecret = withBrowser();
    const failed = failure(wrongSecret.flow.signIn({ clientId: google.clientId, clientSecret: 'not-the-secret' }));
    await wrongSecret.next;
    const page = await browse(wrongSecret.opened[0]!);
    expect(page.status).toBe(502);
    expect(page.text).toContain('Sign-in failed');
    expect(await failed).toMatch(/^GOOGLE_SIGN_IN_FAILED: Google did not confirm the sign-in \(Unauthorized\)/);
  });

  it('gives up when nobody finishes in time, when the browser cannot be opened, and when a newer attempt starts', async () => {
    const slow = withBrowser(300);
    const timedOut = failure(slow.flow.signIn(client()));
    await slow.next;
    expect(await timedOut).toMatch(/^GOOGLE_SIGN_IN_TIMEOUT: /);
    await expect(get(Object.fromEntries(new URL(slow.opened[0]!).searchParams).redirect_uri!)).rejects.toThrow(/ECONNREFUSED/);

    const noBrowser = new GoogleLoopbackSignIn({ openExternal: () => Promise.reject(new Error('no browser installed')), endpoints: google.endpoints });
    expect(await failure(noBrowser.signIn(client()))).toMatch(/^GOOGLE_SIGN_IN_FAILED: The browser could not be opened for Google sign-in \(no browser installed\)/);

    const twice = withBrowser();
    const first = failure(twice.flow.signIn(client()));
    await twice.next;
    const second = twice.flow.signIn(client());
    expect(await first).toMatch(/^GOOGLE_SIGN_IN_CANCELLED: A newer Google sign-in replaced this one/);
    await waitForLength(twice.opened, 2);
    expect((await browse(twice.opened[1]!)).status).toBe(200);
    await expect(second).resolves.toMatchObject({ idToken: expect.any(String) as unknown });
  });
});

async function waitForLength(list: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 200 && list.length < n; i++) await new Promise((r) => setTimeout(r, 10));
}
