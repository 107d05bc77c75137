import type { Storage } from '@google-cloud/storage';
import { TroveError } from '../../shared/api/errors.ts';
import { ConfigError } from '../config-errors.ts';
import { gcsStatus } from './gcs-errors.ts';
import { v4Link } from './gcs-signer.ts';
import type { AsyncUrlSigner, SignRequest } from './url-signer.ts';

/** The SDK's own auth client (Application Default Credentials), as the Storage client holds it. */
type GoogleAuth = Storage['authClient'];

/** A service account that signs through Google rather than with a key this process holds. */
export interface BlobSigningAccount {
  email: string;
  /** RSA-SHA256 (PKCS#1 v1.5) signature of `data` by one of the account's Google-managed keys. */
  signBlob(data: string): Promise<Buffer>;
}

/**
 * The runtime's own service account (on Cloud Run or GCE: the metadata server's
 * `service-accounts/default`), signing through IAM Credentials `signBlob`. Both go through
 * google-auth-library: its `sign()` fetches the access token from the metadata server and posts the
 * blob to `{iamEndpoint}/v1/projects/-/serviceAccounts/{email}:signBlob`. The account needs
 * roles/iam.serviceAccountTokenCreator on itself. `iamEndpoint` replaces Google's (tests, private
 * endpoints); the metadata server is the SDK's GCE_METADATA_HOST.
 */
export async function runtimeSigningAccount(auth: GoogleAuth, iamEndpoint?: string): Promise<BlobSigningAccount> {
  let email: string | undefined;
  try {
    email = (await auth.getCredentials()).client_email;
  } catch (err) {
    throw new ConfigError('GOOGLE_APPLICATION_CREDENTIALS',
      `is not set and no default Google credentials were found (${err instanceof Error ? err.message : String(err)}). ` +
      'On Cloud Run or Compute Engine the runtime\'s service account signs download links; elsewhere point GOOGLE_APPLICATION_CREDENTIALS at a service-account key file.');
  }
  if (!email) {
    throw new ConfigError('GOOGLE_APPLICATION_CREDENTIALS',
      'is not set and the default Google credentials are not a service account (e.g. a gcloud user login), which cannot sign download links. ' +
      'Run as a service account (Cloud Run, Compute Engine) or point GOOGLE_APPLICATION_CREDENTIALS at a service-account key file.');
  }
  // Undefined lets the SDK use Google's endpoint for its universe.
  const endpoint = iamEndpoint ? `${iamEndpoint.replace(/\/+$/, '')}/v1/projects/-/serviceAccounts/` : undefined;
  const account = email;
  return {
    email: account,
    async signBlob(data) {
      try {
        return Buffer.from(await auth.sign(data, endpoint), 'base64');
      } catch (err) {
        throw mapIamError(err, account);
      }
    },
  };
}

/** A refused signature is a setup problem to fix; trouble reaching Google passes. */
export function mapIamError(err: unknown, email: string): TroveError {
  if (err instanceof TroveError) return err;
  const status = gcsStatus(err);
  const message = err instanceof Error ? err.message : String(err);
  const details = { service_account: email, status };
  if (status === 401 || status === 403 || status === 404) {
    return new TroveError('INTERNAL_ERROR',
      `Google IAM refused to sign a download link as ${email} (HTTP ${status}). Grant that service account ` +
      'roles/iam.serviceAccountTokenCreator on itself and enable the IAM Service Account Credentials API (infra/terraform does both), ' +
      'or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file.', details, { cause: err });
  }
  return new TroveError('SERVICE_UNAVAILABLE',
    `Google IAM could not sign a download link right now (${status !== undefined ? `HTTP ${status}` : message}); open the file again in a moment.`,
    details, { cause: err });
}

export interface GcsIamSignerOptions {
  bucket: string;
  account: BlobSigningAccount;
  /** Where links point: Google's endpoint by default, or GCS_API_ENDPOINT. */
  endpoint?: string | undefined;
  now?: () => number;
  /** A link signed this recently is handed out again (default 60 s; never more than a fifth of its lifetime). */
  reuseMs?: number;
  /** Links remembered at most (oldest dropped first). */
  maxEntries?: number;
}

/**
 * V4 signed links without a key file: the same canonical request as GcsUrlSigner, signed by IAM
 * signBlob. That is a network call, so a link signed in the last minute is reused (the same
 * thumbnail opened again, a video's range requests) — it still has most of its 5 minutes left —
 * and concurrent requests for one link share one call.
 */
export class GcsIamUrlSigner implements AsyncUrlSigner {
  private readonly base: URL;
  private readonly now: () => number;
  private readonly reuseMs: number;
  private readonly maxEntries: number;
  private readonly recent = new Map<string, { at: number; url: Promise<string> }>();

  constructor(private readonly opts: GcsIamSignerOptions) {
    this.base = new URL(opts.endpoint ?? 'https://storage.googleapis.com');
    this.now = opts.now ?? Date.now;
    this.reuseMs = opts.reuseMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  get email(): string {
    return this.opts.account.email;
  }

  async sign(req: SignRequest): Promise<string> {
    const now = this.now();
    const id = JSON.stringify([req.key, req.expiresInSec, req.filename ?? null, req.disposition ?? null]);
    const hit = this.recent.get(id);
    if (hit && now - hit.at < Math.min(this.reuseMs, req.expiresInSec * 200)) return hit.url;
    const link = v4Link({ bucket: this.opts.bucket, clientEmail: this.opts.account.email, base: this.base }, req, now);
    const url = this.opts.account.signBlob(link.stringToSign).then((sig) => `${link.unsigned}&X-Goog-Signature=${sig.toString('hex')}`);
    this.recent.delete(id);
    this.recent.set(id, { at: now, url });
    // A failed call is not remembered: the next request tries again.
    url.catch(() => {
      if (this.recent.get(id)?.url === url) this.recent.delete(id);
    });
    if (this.recent.size > this.maxEntries) this.recent.delete(this.recent.keys().next().value!);
    return url;
  }
}
