import type { CloudConfig } from '../config-cloud.ts';
import type { GcsBlobStore } from '../storage/gcs-store.ts';
import { HmacUrlSigner, type AsyncUrlSigner, type UrlSigner } from '../storage/url-signer.ts';

export interface Bucket {
  store: GcsBlobStore;
  /** Signs the links handed out in listings and redirects (synchronously). */
  linkSigner: UrlSigner;
  /** Verifies this server's own links at /blob; absent when the links point straight at the bucket. */
  blobSigner: HmacUrlSigner | undefined;
  /** Where /blob redirects once a link checks out: a bucket link signed at that moment. */
  bucketLinks: AsyncUrlSigner | undefined;
}

/**
 * GCS_BUCKET: Cloud Storage, and who signs its download links.
 *  - A service-account key file (GOOGLE_APPLICATION_CREDENTIALS): V4 links signed here with its
 *    key, pointing straight at the bucket; no network call per link.
 *  - No key file (Cloud Run, Compute Engine): the runtime's own service account signs through IAM
 *    signBlob. That is a network call, too slow to make for every thumbnail in a listing, so
 *    listings carry this server's own HMAC links (/api/v1/blob, TROVE_LINK_SIGNING_KEY) and /blob
 *    redirects to a bucket link signed then: one signBlob per file actually opened.
 * `serverSigner` is the data dir's link key, used when no shared key is configured (one process).
 */
export async function openBucket(
  gcs: NonNullable<CloudConfig['gcs']>,
  opts: { tmpDir: string; serverSigner: HmacUrlSigner },
): Promise<Bucket> {
  // Loaded only here: Google's storage SDK and its auth library cost ~0.2 s of CPU to load, which a
  // server without a bucket (the embedded default) should not pay at every start.
  const [{ GcsIamUrlSigner, runtimeSigningAccount }, { GcsUrlSigner }, { createStorageClient, readServiceAccount }, { GcsBlobStore }] = await Promise.all([
    import('../storage/gcs-iam-signer.ts'), import('../storage/gcs-signer.ts'), import('../storage/gcs-storage.ts'), import('../storage/gcs-store.ts'),
  ]);
  if (gcs.credentialsFile !== undefined) {
    const key = await readServiceAccount(gcs.credentialsFile);
    const store = new GcsBlobStore(createStorageClient(gcs, key).bucket(gcs.bucket), { tmpDir: opts.tmpDir });
    const signer = new GcsUrlSigner({ bucket: gcs.bucket, clientEmail: key.client_email, privateKey: key.private_key, endpoint: gcs.apiEndpoint });
    return { store, linkSigner: signer, blobSigner: undefined, bucketLinks: undefined };
  }
  const storage = createStorageClient(gcs, undefined);
  const store = new GcsBlobStore(storage.bucket(gcs.bucket), { tmpDir: opts.tmpDir });
  const account = await runtimeSigningAccount(storage.authClient, gcs.iamEndpoint);
  const serverSigner = gcs.linkSigningKey ? new HmacUrlSigner(gcs.linkSigningKey) : opts.serverSigner;
  return {
    store, linkSigner: serverSigner, blobSigner: serverSigner,
    bucketLinks: new GcsIamUrlSigner({ bucket: gcs.bucket, account, endpoint: gcs.apiEndpoint }),
  };
}
