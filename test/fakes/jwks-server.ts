import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';

export interface MintOptions {
  /** Signing key; defaults to the published one. */
  key?: CryptoKey;
  kid?: string | null;
}

export interface FakeJwks {
  /** The JWKS URL (FIREBASE_JWKS_URL). */
  url: string;
  kid: string;
  /** A second key pair that is NOT published: tokens signed with it are forgeries. */
  otherKey: CryptoKey;
  /** Times the key set was fetched. */
  fetches(): number;
  /** An RS256 token with Firebase's claims for `projectId`, then `claims` on top (`undefined` removes a claim). */
  mint(projectId: string, claims?: Record<string, unknown>, opts?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

/** Google's securetoken JWKS, played by a local RSA key: the production RS256 path, offline. */
export async function startFakeJwks(): Promise<FakeJwks> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const { privateKey: otherKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server = http.createServer((req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com`,
    kid, otherKey,
    fetches: () => fetches,
    async mint(projectId, claims = {}, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: `https://securetoken.google.com/${projectId}`, aud: projectId, iat: now - 10, exp: now + 3600,
        auth_time: now - 60, sub: 'user-1', user_id: 'user-1', firebase: { sign_in_provider: 'password' },
      };
      for (const [k, v] of Object.entries(claims)) {
        if (v === undefined) delete payload[k];
        else payload[k] = v;
      }
      const header = opts.kid === null ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: opts.kid ?? kid };
      return new SignJWT(payload).setProtectedHeader(header).sign(opts.key ?? privateKey);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An unsigned (alg none) token as the Auth emulator issues them. */
export function unsignedToken(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}
