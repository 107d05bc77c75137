import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a Cloud Run (or Compute Engine) instance has instead of a key file, played on 127.0.0.1:
 *  - the metadata server (GCE_METADATA_HOST): the runtime service account's email and short-lived
 *    access tokens, answered only to requests with `Metadata-Flavor: Google`, as Google's does;
 *  - IAM Service Account Credentials (`POST /v1/projects/-/serviceAccounts/{email}:signBlob`): checks
 *    the bearer token came from the metadata server and that its account may sign as `{email}`
 *    (roles/iam.serviceAccountTokenCreator), then signs the payload with that account's RSA key.
 * The key's public half is what a fake bucket trusts (FakeGcsServer.trustServiceAccount).
 */

interface Account { email: string; privateKey: KeyObject; publicKeyPem: string; keyId: string }

export interface RuntimeRequest { server: 'metadata' | 'iam'; method: string; path: string; status: number; authorization?: string | undefined }

export class FakeGoogleRuntime {
  /** Every request with the status it got. */
  readonly log: RuntimeRequest[] = [];
  /** Callers (by email) allowed to sign as each account; an account may sign as itself only once granted. */
  readonly tokenCreators = new Map<string, Set<string>>();
  private readonly accounts = new Map<string, Account>();
  private readonly tokens = new Map<string, string>();
  private failures: { count: number; status: number } = { count: 0, status: 503 };
  metadataHost = '';
  iamUrl = '';

  private constructor(private readonly servers: http.Server[], readonly runtimeEmail: string) {}

  /** `runtimeEmail` is the instance's default service account; it may sign as itself unless `grantSelf` is false. */
  static async start(runtimeEmail: string, opts: { grantSelf?: boolean } = {}): Promise<FakeGoogleRuntime> {
    const metadata = http.createServer();
    const iam = http.createServer();
    const fake = new FakeGoogleRuntime([metadata, iam], runtimeEmail);
    fake.addAccount(runtimeEmail);
    if (opts.grantSelf !== false) fake.grant(runtimeEmail, runtimeEmail);
    metadata.on('request', (req: IncomingMessage, res: ServerResponse) => fake.metadata(req, res));
    iam.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.iam(req, res));
    await Promise.all([metadata, iam].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    fake.metadataHost = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
    fake.iamUrl = `http://127.0.0.1:${(iam.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => {
      s.closeAllConnections();
      return new Promise<void>((resolve) => s.close(() => resolve()));
    }));
  }

  addAccount(email: string): Account {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const account = { email, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: randomBytes(20).toString('hex') };
    this.accounts.set(email, account);
    return account;
  }

  /** The PEM public key Google would publish for this account (what GCS checks signatures against). */
  publicKeyPem(email = this.runtimeEmail): string {
    const account = this.accounts.get(email);
    if (!account) throw new Error(`no account ${email}`);
    return account.publicKeyPem;
  }

  /** roles/iam.serviceAccountTokenCreator for `caller` on `target`. */
  grant(caller: string, target: string): void {
    let callers = this.tokenCreators.get(target);
    if (!callers) this.tokenCreators.set(target, (callers = new Set()));
    callers.add(caller);
  }

  revoke(caller: string, target: string): void {
    this.tokenCreators.get(target)?.delete(caller);
  }

  /** The next `count` signBlob calls answer `status`. */
  failSignBlob(count: number, status = 503): void {
    this.failures = { count, status };
  }

  signBlobCalls(): RuntimeRequest[] {
    return this.log.filter((l) => l.server === 'iam' && l.path.endsWith(':signBlob'));
  }

  private metadata(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://metadata');
    const reply = (status: number, body: string, type = 'application/text') => {
      this.log.push({ server: 'metadata', method: req.method ?? '', path: url.pathname, status });
      // Google's server names itself in every answer; the client library refuses answers without it.
      res.writeHead(status, { 'metadata-flavor': 'Google', 'content-type': type });
      res.end(body);
    };
    // Google's refuses requests without the header (protection against SSRF through proxies).
    if (req.headers['metadata-flavor'] !== 'Google' || req.headers['x-forwarded-for']) return reply(403, 'Missing Metadata-Flavor:Google header.');
    const base = '/computeMetadata/v1';
    const account = '/instance/service-accounts/default';
    switch (url.pathname.startsWith(base) ? url.pathname.slice(base.length) : '') {
      case '/instance':
      case '/instance/':
        return reply(200, 'attributes/\nhostname\nid\nservice-accounts/\nzone\n');
      case '/project/project-id':
        return reply(200, 'trove-fake-project');
      case '/universe/universe-domain':
        return reply(200, 'googleapis.com');
      case `${account}/email`:
        return reply(200, this.runtimeEmail);
      case `${account}/token`: {
        const token = `ya29.fake-${randomBytes(24).toString('base64url')}`;
        this.tokens.set(token, this.runtimeEmail);
        return reply(200, JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }), 'application/json');
      }
      default:
        return reply(404, 'Not Found');
    }
  }

  private async iam(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://iam');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, body: object) => {
      this.log.push({ server: 'iam', method: req.method ?? '', path: decodeURIComponent(url.pathname), status, authorization: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, state: string, message: string) => reply(status, { error: { code: status, message, status: state } });
    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):signBlob$/.exec(decodeURIComponent(url.pathname));
    if (req.method !== 'POST' || !m) return error(404, 'NOT_FOUND', `Not implemented by the fake: ${req.method} ${url.pathname}`);
    if (this.failures.count > 0) {
      this.failures.count--;
      return error(this.failures.status, 'UNAVAILABLE', 'Injected fault');
    }
    const caller = this.tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!caller) return error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    const target = this.accounts.get(m[1]!);
    if (!target || !this.tokenCreators.get(target.email)?.has(caller)) {
      return error(403, 'PERMISSION_DENIED', `Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may not exist).`);
    }
    let payload: unknown;
    try {
      payload = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload?: unknown }).payload;
    } catch {
      return error(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (typeof payload !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length === 0) {
      return error(400, 'INVALID_ARGUMENT', 'payload must be non-empty base64.');
    }
    const signature = createSign('RSA-SHA256').update(Buffer.from(payload, 'base64')).sign(target.privateKey);
    reply(200, { keyId: target.keyId, signedBlob: signature.toString('base64') });
  }
}
