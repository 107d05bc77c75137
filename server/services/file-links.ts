import { cleanFileName } from '../../shared/file-names.ts';
import type { UrlSigner } from '../storage/url-signer.ts';

/** Signed links expire after 5 minutes (the spec); the UI asks again when it needs a fresh one. */
export const LINK_TTL_SEC = 300;

/** Turns storage keys into short-lived links a browser can load without the bearer token. */
export class FileLinks {
  constructor(private readonly signer: UrlSigner) {}

  thumbnail(key: string): string {
    return this.signer.sign({ key, expiresInSec: LINK_TTL_SEC });
  }

  preview(key: string): string {
    return this.signer.sign({ key, expiresInSec: LINK_TTL_SEC });
  }

  download(key: string, filename: string): string {
    // Rows written before names were cleaned may still hold a path: the link names the last part only.
    return this.signer.sign({ key, expiresInSec: LINK_TTL_SEC, filename: cleanFileName(filename), disposition: 'attachment' });
  }
}
