import { createHmac, timingSafeEqual } from 'node:crypto';
import { TroveError } from '../../shared/api/errors.ts';
import { API_PREFIX, type BlobQuery } from '../../shared/api/schemas.ts';

export interface SignRequest {
  key: string;
  expiresInSec: number;
  filename?: string | undefined;
  disposition?: 'inline' | 'attachment';
}

/** Produces time-limited links to stored bytes; local mode signs them with HMAC and serves them itself. */
export interface UrlSigner {
  sign(req: SignRequest): string;
}

/**
 * A signer that needs a network call per link (IAM signBlob, when no key file is at hand). Listings
 * cannot wait for one per thumbnail, so it signs only where this server redirects to the bucket.
 */
export interface AsyncUrlSigner {
  sign(req: SignRequest): Promise<string>;
}

/**
 * HMAC-SHA256 over every parameter that changes what is served, so no part of a link can be
 * altered (key, expiry, file name, disposition) without invalidating it.
 */
export class HmacUrlSigner implements UrlSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(q: Omit<BlobQuery, 'sig'>): Buffer {
    const payload = [q.key, q.exp, q.name ?? '', q.disposition ?? 'inline'].join('\n');
    return createHmac('sha256', this.secret).update(payload).digest();
  }

  sign(req: SignRequest): string {
    const exp = Math.floor(this.now() / 1000) + req.expiresInSec;
    const q: Omit<BlobQuery, 'sig'> = { key: req.key, exp };
    if (req.filename !== undefined) q.name = req.filename;
    if (req.disposition) q.disposition = req.disposition;
    const params = new URLSearchParams({ key: q.key, exp: String(exp) });
    if (q.name !== undefined) params.set('name', q.name);
    if (q.disposition) params.set('disposition', q.disposition);
    params.set('sig', this.mac(q).toString('base64url'));
    return `${API_PREFIX}/blob?${params.toString()}`;
  }

  verify(q: BlobQuery): void {
    const given = Buffer.from(q.sig, 'base64url');
    const expected = this.mac(q);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new TroveError('SIGNATURE_INVALID', 'This link is not valid. Open the file from Trove again to get a fresh link.');
    }
    if (q.exp * 1000 < this.now()) {
      throw new TroveError('SIGNATURE_EXPIRED', 'This link has expired (links last 5 minutes). Open the file from Trove again.');
    }
  }
}
