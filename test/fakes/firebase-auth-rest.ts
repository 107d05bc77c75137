/**
 * A local fake of the two Firebase Auth REST APIs the web page calls, laid out like the Auth
 * emulator (`/identitytoolkit.googleapis.com/v1/accounts:signUp|signInWithPassword`,
 * `/securetoken.googleapis.com/v1/token`), with the CORS headers Google sends — so renderer tests
 * drive the page's real fetch against it instead of mocking fetch. Tokens are opaque strings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFirebaseAuth {
  /** `http://127.0.0.1:<port>`: the page's `emulator_url`. */
  url: string;
  /** Every call: its path (without query), the `key` query parameter and the parsed body. */
  calls: { path: string; key: string | null; body: Record<string, string> }[];
  /** ID tokens issued so far, newest last. */
  issued: string[];
  /** Seconds each ID token lasts (what `expiresIn` says). */
  expiresIn: number;
  close(): Promise<void>;
}

export async function startFakeFirebaseAuth(): Promise<FakeFirebaseAuth> {
  const users = new Map<string, { uid: string; password: string }>();
  const refreshTokens = new Map<string, { uid: string; email: string }>();
  let n = 0;
  const fake: FakeFirebaseAuth = { url: '', calls: [], issued: [], expiresIn: 3600, close: async () => undefined };

  const session = (uid: string, email: string) => {
    n += 1;
    const idToken = `id-${uid}-${n}`;
    const refreshToken = `refresh-${uid}-${n}`;
    refreshTokens.set(refreshToken, { uid, email });
    fake.issued.push(idToken);
    return { idToken, refreshToken, uid };
  };

  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type');
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body: Record<string, string> = (req.headers['content-type'] ?? '').includes('json')
        ? JSON.parse(raw || '{}') as Record<string, string>
        : Object.fromEntries(new URLSearchParams(raw));
      fake.calls.push({ path: url.pathname, key: url.searchParams.get('key'), body });
      const reply = (status: number, data: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(data));
      const fail = (message: string) => reply(400, { error: { code: 400, message, errors: [{ message, domain: 'global', reason: 'invalid' }] } });
      const email = (body.email ?? '').toLowerCase();
      switch (url.pathname) {
        case '/identitytoolkit.googleapis.com/v1/accounts:signUp': {
          if (users.has(email)) return fail('EMAIL_EXISTS');
          if ((body.password ?? '').length < 6) return fail('WEAK_PASSWORD : Password should be at least 6 characters');
          const uid = `u${users.size + 1}`;
          users.set(email, { uid, password: body.password ?? '' });
          const s = session(uid, email);
          return reply(200, { kind: 'identitytoolkit#SignupNewUserResponse', idToken: s.idToken, refreshToken: s.refreshToken, expiresIn: String(fake.expiresIn), localId: uid, email });
        }
        case '/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword': {
          const user = users.get(email);
          // Like Firebase with email enumeration protection: one code for both mistakes.
          if (!user || user.password !== body.password) return fail('INVALID_LOGIN_CREDENTIALS');
          const s = session(user.uid, email);
          return reply(200, { idToken: s.idToken, refreshToken: s.refreshToken, expiresIn: String(fake.expiresIn), localId: user.uid, email, registered: true });
        }
        case '/securetoken.googleapis.com/v1/token': {
          const known = refreshTokens.get(body.refresh_token ?? '');
          if (!known) return fail('INVALID_REFRESH_TOKEN');
          const s = session(known.uid, known.email);
          return reply(200, { id_token: s.idToken, refresh_token: s.refreshToken, expires_in: String(fake.expiresIn), token_type: 'Bearer', user_id: known.uid });
        }
        default:
          return reply(404, { error: { code: 404, message: 'NOT_FOUND' } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
