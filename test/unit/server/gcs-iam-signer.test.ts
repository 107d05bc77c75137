/**
 * V4 links without a key file: the real @google-cloud/storage + google-auth-library against a fake
 * metadata server (access token, service-account email) and a fake IAM signBlob, with the link
 * checked by the fake bucket against the account's public key.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveError } from '../../../shared/api/errors.ts';
import { blobKey } from '../../../server/storage/blob-store.ts';
import { GcsIamUrlSigner, runtimeSigningAccount, type BlobSigningAccount } from '../../../server/storage/gcs-iam-signer.ts';
import { contentDisposition } from '../../../server/storage/gcs-signer.ts';
import { createStorageClient } from '../../../server/storage/gcs-storage.ts';
import { FakeGcsServer } from '../../fakes/gcs-server.ts';
import { FakeGoogleRuntime } from '../../fakes/google-runtime.ts';

const BUCKET = 'trove-iam-test';
const EMAIL = 'trove-runtime@trove-test.iam.gserviceaccount.com';
const KEY = blobKey('11111111-2222-4333-8444-555555555555', '66666666-7777-4888-8999-aaaaaaaaaaaa', 'original.jpg');

let gcs: FakeGcsServer;
let runtime: FakeGoogleRuntime;
let account: BlobSigningAccount;
let configDir: string;
const saved = { ...process.env };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  gcs = await FakeGcsServer.start();
  runtime = await FakeGoogleRuntime.start(EMAIL);
  gcs.trustServiceAccount(EMAIL, runtime.publicKeyPem());
  // As on Cloud Run: no key file, no gcloud login, only the metadata server (this file's own process).
  configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-gcloud-'));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.CLOUDSDK_CONFIG = configDir;
  process.env.GCE_METADATA_HOST = runtime.metadataHost;
  const storage = createStorageClient({ bucket: BUCKET, apiEndpoint: gcs.url, credentialsFile: undefined, iamEndpoint: runtime.iamUrl, linkSigningKey: undefined }, undefined);
  account = await runtimeSigningAccount(storage.authClient, runtime.iamUrl);
});

afterAll(async () => {
  process.env = saved;
  await runtime.close();
  await gcs.close();
  await fs.rm(configDir, { recursive: true, force: true });
});

beforeEach(() => {
  runtime.log.length = 0;
  runtime.grant(EMAIL, EMAIL);
  gcs.putObject(BUCKET, KEY, Buffer.from('0123456789'), 'image/jpeg');
});

describe('runtimeSigningAccount (google-auth-library on the metadata server)', () => {
  it('is the instance\'s default service account, and signs through signBlob with a token from the metadata server', async () => {
    expect(account.email).toBe(EMAIL);
    const signature = await account.signBlob('hello');
    expect(signature.length).toBe(256); // RSA-2048
    const [call] = runtime.signBlobCalls();
    expect(call).toMatchObject({ method: 'POST', path: `/v1/projects/-/serviceAccounts/${EMAIL}:signBlob`, status: 200 });
    expect(call!.authorization).toMatch(/^Bearer ya29\.fake-/);
    // The token came from the metadata server (which answers only with Metadata-Flavor: Google).
    expect(runtime.log.some((l) => l.server === 'metadata' && l.path.endsWith('/service-accounts/default/token') && l.status === 200)).toBe(true);
  });

  it('turns a refused signature into an error that says which role to grant, and a flaky IAM into a retryable one', async () => {
    runtime.revoke(EMAIL, EMAIL);
    const refused = await rejection(account.signBlob('x'));
    expect(refused).toBeInstanceOf(TroveError);
    expect((refused as TroveError).code).toBe('INTERNAL_ERROR');
    expect((refused as TroveError).message).toMatch(new RegExp(`as ${EMAIL} \\(HTTP 403\\).*roles/iam.serviceAccountTokenCreator`));

    runtime.grant(EMAIL, EMAIL);
    runtime.failSignBlob(2, 503); // the SDK retries POSTs to signBlob (3 times)
    expect((await account.signBlob('x')).length).toBe(256);
    expect(runtime.signBlobCalls().slice(-3).map((c) => c.status)).toEqual([503, 503, 200]);

    runtime.failSignBlob(10, 503);
    const flaky = await rejection(account.signBlob('x'));
    expect((flaky as TroveError).code).toBe('SERVICE_UNAVAILABLE');
    expect((flaky as TroveError).retryable).toBe(true);
    runtime.failSignBlob(0);
  });
});

describe('GcsIamUrlSigner', () => {
  it('signs V4 links the bucket accepts, with the download name fixed by the signature', async () => {
    const signer = new GcsIamUrlSigner({ bucket: BUCKET, account, endpoint: gcs.url });
    const name = 'Été 2024.jpg';
    const url = await signer.sign({ key: KEY, expiresInSec: 300, filename: name, disposition: 'attachment' });
    expect(url.startsWith(`${gcs.url}/${BUCKET}/${KEY}?`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Goog-Credential')).toMatch(new RegExp(`^${EMAIL}/\\d{8}/auto/storage/goog4_request$`));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('0123456789');
    expect(res.headers.get('content-disposition')).toBe(contentDisposition('attachment', name));
    const tampered = await fetch(url.replace('X-Goog-Expires=300', 'X-Goog-Expires=3000'));
    expect(tampered.status).toBe(403);
  });

  it('reuses a link for a minute (one signBlob for repeated and concurrent requests), then signs afresh', async () => {
    let now = Date.now();
    const signer = new GcsIamUrlSigner({ bucket: BUCKET, account, endpoint: gcs.url, now: () => now });
    const req = { key: KEY, expiresInSec: 300 };
    const [a, b] = await Promise.all([signer.sign(req), signer.sign(req)]);
    expect(a).toBe(b);
    now += 59_000;
    expect(await signer.sign(req)).toBe(a);
    expect(await signer.sign({ ...req, filename: 'x.jpg' })).not.toBe(a); // another link is another signature
    expect(runtime.signBlobCalls()).toHaveLength(2);
    now += 2_000;
    const fresh = await signer.sign(req);
    expect(fresh).not.toBe(a);
    expect(runtime.signBlobCalls()).toHaveLength(3);
    expect((await fetch(fresh)).status).toBe(200);
  });

  it('does not remember a failed signature: the next request asks IAM again', async () => {
    const signer = new GcsIamUrlSigner({ bucket: BUCKET, account, endpoint: gcs.url });
    runtime.revoke(EMAIL, EMAIL);
    expect(await rejection(signer.sign({ key: KEY, expiresInSec: 300 }))).toBeInstanceOf(TroveError);
    runtime.grant(EMAIL, EMAIL);
    expect((await fetch(await signer.sign({ key: KEY, expiresInSec: 300 }))).status).toBe(200);
  });

  it('refuses unsafe keys before calling IAM', async () => {
    const signer = new GcsIamUrlSigner({ bucket: BUCKET, account, endpoint: gcs.url });
    await expect(signer.sign({ key: '../secrets', expiresInSec: 300 })).rejects.toThrow(/Unsafe storage key/);
    expect(runtime.signBlobCalls()).toHaveLength(0);
  });
});
