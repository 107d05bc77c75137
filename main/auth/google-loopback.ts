/**
 * Google sign-in for the desktop app, the way Google documents it for installed apps: the system
 * browser shows Google's consent page (where the user's Google session, passkeys and password
 * manager live — never inside Trove's window), and Google redirects to a one-off listener on
 * 127.0.0.1. PKCE (S256) binds the answer to this request and a random `state` refuses answers
 * this request did not ask for. The code is exchanged for Google's ID token, which the page hands
 * to Firebase (signInWithCredential).
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TroveError } from '../../shared/api/errors.ts';

export interface GoogleOAuthEndpoints {
  authorize: string;
  token: string;
}

export const GOOGLE_OAUTH: GoogleOAuthEndpoints = {
  authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
  token: 'https://oauth2.googleapis.com/token',
};

export interface GoogleDesktopClient {
  clientId: string;
  /** Google issues "Desktop app" clients a secret that is not confidential, and asks for it at the token exchange. */
  clientSecret: string | null;
}

export interface GoogleLoopbackOptions {
  /** Opens a URL in the user's default browser (Electron's shell.openExternal). */
  openExternal: (url: string) => Promise<void>;
  endpoints?: GoogleOAuthEndpoints;
  /** How long the user has to finish in the browser. */
  timeoutMs?: number;
}

const base64url = (b: Buffer) => b.toString('base64url');

/** A small page for the browser tab once it is done (no scripts, nothing loaded from elsewhere). */
function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>`
    + '<style>body{font:16px system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222}</style>'
    + `<h1>${esc(title)}</h1><p>${esc(text)}</p>`;
}

export class GoogleLoopbackSignIn {
  private pending: { cancel: (err: Error) => void } | null = null;

  constructor(private readonly opts: GoogleLoopbackOptions) {}

  /** Runs the whole flow; resolves with Google's ID token. A second call cancels the first. */
  async signIn(client: GoogleDesktopClient): Promise<{ idToken: string }> {
    this.pending?.cancel(new TroveError('GOOGLE_SIGN_IN_CANCELLED', 'A newer Google sign-in replaced this one.'));
    const endpoints = this.opts.endpoints ?? GOOGLE_OAUTH;
    const verifier = base64url(randomBytes(32));
    const challenge = base64url(createHash('sha256').update(verifier).digest());
    const state = base64url(randomBytes(24));

    let settle!: { resolve: (code: string) => void; reject: (err: Error) => void };
    const codePromise = new Promise<string>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Awaited below; this only keeps an early rejection (timeout, cancel) from being reported as unhandled.
    codePromise.catch(() => undefined);
    let port = 0;
    let answered = false;
    let finish: (status: number, html: string) => void = () => undefined;
    const server = http.createServer((req, res) => {
      const host = req.headers.host ?? '';
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // Only Google's redirect to exactly this address: not another page's fetch (DNS rebinding
      // gives another Host), not favicon requests, not a second answer.
      if (req.method !== 'GET' || url.pathname !== '/' || host !== `127.0.0.1:${port}` || answered) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      if (url.searchParams.get('state') !== state) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
          .end(page('This sign-in is not from Trove', 'This answer does not belong to the Google sign-in Trove started. Return to Trove and choose "Continue with Google" again.'));
        return;
      }
      const error = url.searchParams.get('error');
      const code = url.searchParams.get('code');
      answered = true;
      finish = (status, html) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      if (error) {
        finish(200, page('Sign-in cancelled', 'You can close this tab and return to Trove.'));
        settle.reject(error === 'access_denied'
          ? new TroveError('GOOGLE_SIGN_IN_CANCELLED', 'Google sign-in was cancelled in the browser.')
          : new TroveError('GOOGLE_SIGN_IN_FAILED', `Google refused the sign-in (${error}).`));
      } else if (code) {
        settle.resolve(code);
      } else {
        finish(400, page('Sign-in failed', 'Google sent no answer Trove can use. Return to Trove and try again.'));
        settle.reject(new TroveError('GOOGLE_SIGN_IN_FAILED', 'Google redirected back without a sign-in code.'));
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    port = (server.address() as AddressInfo).port;
    const redirectUri = `http://127.0.0.1:${port}`;
    const timer = setTimeout(() => settle.reject(new TroveError('GOOGLE_SIGN_IN_TIMEOUT', 'Google sign-in was not finished in the browser in time. Try again.')), this.opts.timeoutMs ?? 5 * 60_000);
    const mine = { cancel: (err: Error) => settle.reject(err) };
    this.pending = mine;

    try {
      const authorize = new URL(endpoints.authorize);
      authorize.search = new URLSearchParams({
        client_id: client.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid email profile',
        code_challenge: challenge, code_challenge_method: 'S256', state, prompt: 'select_account',
      }).toString();
      await this.opts.openExternal(authorize.toString()).catch((err: unknown) => {
        throw new TroveError('GOOGLE_SIGN_IN_FAILED', `The browser could not be opened for Google sign-in (${err instanceof Error ? err.message : String(err)}).`);
      });
      const code = await codePromise;
      try {
        const idToken = await this.exchange(endpoints.token, client, code, verifier, redirectUri);
        finish(200, page('You are signed in', 'You can close this tab and return to Trove.'));
        return { idToken };
      } catch (err) {
        finish(502, page('Sign-in failed', 'Trove could not finish the sign-in with Google. Return to Trove and try again.'));
        throw err;
      }
    } finally {
      clearTimeout(timer);
      if (this.pending === mine) this.pending = null;
      server.closeAllConnections();
      server.close();
    }
  }

  /** Cancels a sign-in waiting for the browser (e.g. the window went away). */
  cancel(): void {
    this.pending?.cancel(new TroveError('GOOGLE_SIGN_IN_CANCELLED', 'Google sign-in was cancelled.'));
  }

  private async exchange(tokenUrl: string, client: GoogleDesktopClient, code: string, verifier: string, redirectUri: string): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client.clientId, redirect_uri: redirectUri });
    if (client.clientSecret) form.set('client_secret', client.clientSecret);
    let res: Response;
    try {
      res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new TroveError('GOOGLE_SIGN_IN_FAILED', `Google could not be reached to finish the sign-in (${err instanceof Error ? err.message : String(err)}).`);
    }
    const body = await res.json().catch(() => null) as { id_token?: unknown; error?: unknown; error_description?: unknown } | null;
    if (res.ok && typeof body?.id_token === 'string') return body.id_token;
    const why = typeof body?.error_description === 'string' ? body.error_description : typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`;
    throw new TroveError('GOOGLE_SIGN_IN_FAILED', `Google did not confirm the sign-in (${why}).`);
  }
}
