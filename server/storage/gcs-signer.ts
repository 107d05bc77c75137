import { createHash, createSign, type KeyObject } from 'node:crypto';
import { contentDisposition } from '../../shared/file-names.ts';
import { assertSafeKey } from './blob-store.ts';
import type { SignRequest, UrlSigner } from './url-signer.ts';

export { contentDisposition };

export interface GcsSignerOptions {
  bucket: string;
  clientEmail: string;
  /** The service account's RSA private key (PEM or KeyObject). */
  privateKey: string | KeyObject;
  /** Where links point: Google's endpoint by default, or GCS_API_ENDPOINT (path-style `/bucket/object`). */
  endpoint?: string | undefined;
  now?: () => number;
}

/** Google's URI encoding for V4 signing: like encodeURIComponent, plus `! ' ( ) *`. */
function encodeStrict(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const encodePath = (name: string) => name.split('/').map(encodeStrict).join('/');


/** `20240101T000000Z` and `20240101` as the V4 algorithm wants them. */
function stamps(ms: number): { dateTime: string; date: string } {
  const dateTime = new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { dateTime, date: dateTime.slice(0, 8) };
}

export interface V4Link {
  /** The link without its `X-Goog-Signature`. */
  unsigned: string;
  /** What the service account's RSA key signs (SHA-256 with RSA, PKCS#1 v1.5), hex-encoded into the link. */
  stringToSign: string;
}

/**
 * The GOOG4-RSA-SHA256 canonical request for a GET of one object, as the SDK builds it (same
 * canonical request, query encoding and scope; a test checks both produce the same signature for
 * Google's endpoint). One deliberate difference: the signed `host` keeps a non-default port (e.g.
 * 127.0.0.1:4443), as the browser's Host header does; the SDK drops it, which only matters for
 * test endpoints. Signing itself is left to the caller: a local key, or IAM signBlob.
 */
export function v4Link(target: { bucket: string; clientEmail: string; base: URL }, req: SignRequest, nowMs: number): V4Link {
  assertSafeKey(req.key);
  if (req.expiresInSec < 1 || req.expiresInSec > 604_800) throw new Error('V4 signed URLs last between 1 second and 7 days.');
  const { dateTime, date } = stamps(nowMs);
  const scope = `${date}/auto/storage/goog4_request`;
  const query: Record<string, string> = {
    'X-Goog-Algorithm': 'GOOG4-RSA-SHA256',
    'X-Goog-Credential': `${target.clientEmail}/${scope}`,
    'X-Goog-Date': dateTime,
    'X-Goog-Expires': String(req.expiresInSec),
    'X-Goog-SignedHeaders': 'host',
  };
  // GCS sets Content-Disposition from this signed parameter, so the name cannot be altered.
  if (req.filename !== undefined) {
    query['response-content-disposition'] = contentDisposition(req.disposition ?? 'attachment', req.filename);
  } else if (req.disposition === 'attachment') {
    query['response-content-disposition'] = 'attachment';
  }
  const basePath = target.base.pathname.replace(/\/+$/, '');
  const resource = `${basePath}/${target.bucket}/${encodePath(req.key)}`;
  const canonicalQuery = Object.entries(query)
    .map(([k, v]) => [encodeStrict(k), encodeStrict(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', resource, canonicalQuery, `host:${target.base.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['GOOG4-RSA-SHA256', dateTime, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  return { unsigned: `${target.base.origin}${resource}?${canonicalQuery}`, stringToSign };
}

/**
 * V4 signed URLs signed here with a service-account key file, rather than with the SDK's
 * `getSignedUrl`, because `UrlSigner.sign` is synchronous and the SDK's signer is not. Without a
 * key file (Cloud Run), gcs-iam-signer.ts signs the same string through IAM instead.
 */
export class GcsUrlSigner implements UrlSigner {
  private readonly base: URL;
  private readonly now: () => number;

  constructor(private readonly opts: GcsSignerOptions) {
    this.base = new URL(opts.endpoint ?? 'https://storage.googleapis.com');
    this.now = opts.now ?? Date.now;
  }

  sign(req: SignRequest): string {
    const link = v4Link({ bucket: this.opts.bucket, clientEmail: this.opts.clientEmail, base: this.base }, req, this.now());
    const signature = createSign('RSA-SHA256').update(link.stringToSign).sign(this.opts.privateKey, 'hex');
    return `${link.unsigned}&X-Goog-Signature=${signature}`;
  }
}
